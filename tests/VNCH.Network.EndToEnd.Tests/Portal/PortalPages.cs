using Microsoft.Playwright;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>What every page must pass, in English and in Vietnamese: axe-core without serious or critical violations,
/// no CSP violation, a screenshot per language.</summary>
public static class PortalPages
{
    private const string Settled = "() => document.body.dataset.busy === 'false'";

    public static async Task WaitSettledAsync(IPage page) => await page.WaitForFunctionAsync(Settled);

    /// <summary>Switches the page through the language menu to each language, checks it and screenshots it; ends in the language it started in.</summary>
    public static async Task CheckInBothLanguagesAsync(PortalBrowser browser, IPage page, string name)
    {
        var started = await LanguageAsync(page);
        foreach (var language in new[] { "en", "vi" })
        {
            await SwitchAsync(page, language);
            var violations = await browser.SeriousViolationsAsync(page);
            Assert.True(violations.Count == 0, $"{name} ({language}): {string.Join("\n", violations)}");
            await PortalBrowser.ScreenshotAsync(page, $"{name}.{language}");
        }

        await SwitchAsync(page, started);
        Assert.Empty(PortalBrowser.CspViolations(page));
    }

    public static Task<string> LanguageAsync(IPage page) => page.EvaluateAsync<string>("() => document.documentElement.lang");

    public static async Task SwitchAsync(IPage page, string language)
    {
        if (await LanguageAsync(page) != language)
        {
            await page.SelectOptionAsync("#language", language);
            await page.WaitForFunctionAsync($"() => document.documentElement.lang === '{language}'");
        }

        await WaitSettledAsync(page);
    }
}
