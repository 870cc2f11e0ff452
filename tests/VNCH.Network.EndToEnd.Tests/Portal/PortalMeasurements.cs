using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Xunit.Abstractions;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>
/// Page weight and time to a usable study page, measured in the browser and printed (docs/benchmarks.md); only the
/// weight of the portal's own files is held to a budget, never a time.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalMeasurements(PortalService portal, ITestOutputHelper output)
{
    /// <summary>The portal's own files (HTML, CSS, JS, icon) for a first visit of a study page: no framework, so small.</summary>
    private const long PortalBytesBudget = 250_000;

    [Fact]
    public async Task Page_weight_and_time_to_a_usable_study_page_are_measured()
    {
        var studies = await portal.UploadedAsync();
        var lines = new List<string>();
        foreach (var (kind, id) in studies.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var page = await portal.SignedInPageAsync(portal.TokenA);
            await PortalPages.WaitSettledAsync(page);
            // A cold load of the study page: new document, caches bypassed by the API (no-store) and revalidated for the portal's files.
            await page.EvaluateAsync("() => performance.clearResourceTimings()");
            var clock = Stopwatch.StartNew();
            await page.GotoAsync($"/portal/?cold={clock.ElapsedTicks}#/studies/{id}");
            await page.WaitForSelectorAsync("#study-picture");
            await PortalPages.WaitSettledAsync(page);
            var usable = clock.Elapsed;
            var resources = await page.EvaluateAsync<JsonElement>(
                "() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))" +
                ".map(e => ({ name: e.name, bytes: e.encodedBodySize || e.transferSize || 0, type: e.initiatorType }))");
            long portalBytes = 0, apiBytes = 0;
            var requests = 0;
            foreach (var resource in resources.EnumerateArray())
            {
                requests++;
                var bytes = resource.GetProperty("bytes").GetInt64();
                if (new Uri(resource.GetProperty("name").GetString()!).AbsolutePath.StartsWith("/api/", StringComparison.Ordinal))
                {
                    apiBytes += bytes;
                }
                else
                {
                    portalBytes += bytes;
                }
            }

            var line = string.Create(CultureInfo.InvariantCulture,
                $"{kind,-10} usable after {usable.TotalMilliseconds,6:0} ms; {requests,3} requests; portal files {portalBytes / 1024.0,6:0.0} kB; API data {apiBytes / 1024.0,7:0.0} kB");
            lines.Add(line);
            output.WriteLine(line);
            Assert.InRange(portalBytes, 1, PortalBytesBudget);
            await page.Context.CloseAsync();
        }

        await File.WriteAllLinesAsync(Path.Combine(PortalBrowser.ScreenshotFolder, "measurements.txt"), lines);
    }
}
