using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>
/// Playwright driving Debian's chromium (never a downloaded browser), plus axe-core from npm (.ci/install-axe-core.sh).
/// Screenshots go to the test output folder, portal-screenshots/.
/// </summary>
public sealed class PortalBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> Violations = new();

    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string AxeSource { get; private set; } = "";

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "portal-screenshots");

    public async Task StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"The portal tests drive Debian's chromium at {ChromiumPath}: apt-get install -y chromium fonts-noto-core (.ci/run does).");
        }

        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        AxeSource = await File.ReadAllTextAsync(await InstallAxeAsync());
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>
    /// A fresh browser profile (no session) whose preferred language is <paramref name="locale"/>;
    /// <paramref name="acceptTestCertificates"/> for the test's own https sign-in provider (FakeOpenIdProvider).
    /// </summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, string locale, bool acceptTestCertificates = false)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
            IgnoreHTTPSErrors = acceptTestCertificates,
        });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        var violations = Violations.GetOrCreateValue(page);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                lock (violations)
                {
                    violations.Add(message.Text);
                }
            }
        };
        return page;
    }

    /// <summary>
    /// Runs axe-core (WCAG 2 A/AA rules) on the page; returns the serious and critical violations as readable lines.
    /// axe is evaluated through the DevTools protocol, not added as a script tag: the portal's CSP rightly refuses
    /// inline scripts, and the page is tested under that CSP.
    /// </summary>
    public async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe !== 'undefined'"))
        {
            await page.EvaluateAsync(AxeSource);
        }

        var result = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })).violations" +
            ".map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))");
        return result.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()} at {string.Join(", ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))}")
            .ToList();
    }

    /// <summary>What the browser refused under the portal's CSP on this page (console messages).</summary>
    public static IReadOnlyList<string> CspViolations(IPage page)
    {
        var violations = Violations.GetOrCreateValue(page);
        lock (violations)
        {
            return [.. violations];
        }
    }

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    private static async Task<string> InstallAxeAsync()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(TestData.RepositoryRoot, ".ci", "install-axe-core.sh"));
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var path = (await stdout).Trim().Split('\n').Last();
        return process.ExitCode == 0 && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"axe-core could not be installed: {await stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
