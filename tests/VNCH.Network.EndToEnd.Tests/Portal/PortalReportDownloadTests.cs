using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Playwright;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.EndToEnd.Tests.Reporting;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>
/// The association's downloads on the network report page: CSV, DHIS2 ADX, DHIS2 dataValueSets and FHIR
/// MeasureReport of each table, fetched with the session's token and saved from a blob: URL, byte for byte what the
/// API answers for the page's filters. Published cells come from the reporting fixture (threshold 5, fourteen
/// audiograms in two provinces); the portal fixture, whose every cell is suppressed, shows the refusals.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalReportDownloadTests(PortalService portal, AssociationNetwork network) : IClassFixture<AssociationNetwork>
{
    private static readonly (string Id, string Accept, string Extension)[] Formats =
    [
        ("csv", "text/csv", "csv"),
        ("adx", "application/adx+xml", "adx.xml"),
        ("dhis2", "application/vnd.dhis2.datavaluesets+json", "dhis2.json"),
        ("fhir", "application/fhir+json", "fhir.json"),
    ];

    [Fact]
    public async Task The_association_downloads_each_table_in_every_format_as_the_api_serves_it_for_the_filters_shown()
    {
        using var analyst = network.Client(network.TokenAnalyst);
        var trend = await analyst.GetFromJsonAsync<JsonElement>("/api/v1/reports/network?grain=year&table=activity&groupBy=kind");
        var year = trend.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("period").GetString()!).Max(StringComparer.Ordinal)!;

        // What each section shows is what it downloads: the page's grain, and the chosen period's first and last day.
        var sections = new (string Id, string Query, string FileLabel)[]
        {
            ("trend", "grain=year&table=activity&groupBy=kind", "year"),
            ("ages", $"grain=year&from={year}-01-01&to={year}-12-31&table=demography&groupBy=ageBand", year),
            ("provinces", $"grain=year&from={year}-01-01&to={year}-12-31&table=activity&groupBy=province", year),
            ("finding-audiometry-result", $"grain=year&from={year}-01-01&to={year}-12-31&finding=audiometry/result&groupBy=category", year),
        };
        var files = new Dictionary<string, byte[]>();
        IPage page = null!;
        foreach (var (section, query, fileLabel) in sections)
        {
            // A tab of its own per section: Chromium blocks a tab's further automatic downloads after ten or so
            // (without asking, when headless), which no single analyst's session reaches in a minute.
            if (page is not null)
            {
                await page.Context.CloseAsync();
            }

            page = await YearReportPageAsync();
            foreach (var (format, accept, extension) in Formats)
            {
                var (status, expected) = await ApiAsync(analyst, $"/api/v1/reports/network?{query}", accept);
                Assert.True(status == HttpStatusCode.OK, $"{section} {format}: the API answered {status}: {Encoding.UTF8.GetString(expected)}");
                var sent = page.WaitForRequestAsync(r => r.Url.Contains("/api/v1/reports/network?", StringComparison.Ordinal) && r.Headers.GetValueOrDefault("accept") == accept);
                var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync($"#{format}-{section}"));
                var request = await sent;

                // The filters of the page, the token in the Authorization header only, nothing of it in a URL.
                Assert.Equal(Parameters(query), Parameters(new Uri(request.Url).Query));
                Assert.Equal($"Bearer {network.TokenAnalyst}", (await request.AllHeadersAsync())["authorization"]);
                Assert.DoesNotContain(network.TokenAnalyst.Split('.')[2], request.Url, StringComparison.Ordinal);
                Assert.StartsWith("blob:", download.Url, StringComparison.Ordinal);
                Assert.Equal($"vnch-{section}-{fileLabel}.{extension}", download.SuggestedFilename);

                var saved = await File.ReadAllBytesAsync((await download.PathAsync())!);
                Assert.True(expected.SequenceEqual(saved), $"{section} {format}: the file differs from the API's answer");
                files[$"{section}.{format}"] = saved;
            }

            Assert.Equal(0, await page.Locator($"#download-error-{section}:visible").CountAsync());
        }

        // Real content: the provinces table with Đà Nẵng's six audiograms published, in each format's own shape.
        var csv = Encoding.UTF8.GetString(files["provinces.csv"]);
        Assert.StartsWith("period,date_source,province,hospital,kind", csv, StringComparison.Ordinal);
        Assert.Contains($"{year},", csv, StringComparison.Ordinal);
        Assert.Contains("Đà Nẵng", csv, StringComparison.Ordinal);

        var adx = Encoding.UTF8.GetString(files["provinces.adx"]);
        Assert.Empty(AdxSchema.Errors(adx));
        XNamespace ns = "urn:ihe:qrph:adx:2015";
        var root = XDocument.Parse(adx).Root!;
        Assert.Equal(ns + "adx", root.Name);
        var danang = root.Elements(ns + "group").Single(g => (string?)g.Attribute("orgUnit") == "VN-DN" && (string?)g.Attribute("period") == $"{year}-01-01/P1Y");
        Assert.Equal(AssociationNetwork.DanangAudiograms.ToString(),
            (string?)danang.Elements(ns + "dataValue").Single(v => (string?)v.Attribute("dataElement") == "VNCH_ACTIVITY_STUDIES_TOTAL").Attribute("value"));

        var dataValueSet = JsonSerializer.Deserialize<JsonElement>(files["provinces.dhis2"]);
        Assert.Equal("VNCH_NETWORK_REPORT", dataValueSet.GetProperty("dataSet").GetString());
        var values = dataValueSet.GetProperty("dataValues").EnumerateArray().ToList();
        Assert.All(values, v => Assert.All(new[] { "dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value" },
            field => Assert.False(string.IsNullOrEmpty(v.GetProperty(field).GetString()), field)));
        Assert.Contains(values, v => v.GetProperty("orgUnit").GetString() == "VN-DN" && v.GetProperty("period").GetString() == year
            && v.GetProperty("dataElement").GetString() == "VNCH_ACTIVITY_CHILDREN_TOTAL" && v.GetProperty("value").GetString() == AssociationNetwork.DanangAudiograms.ToString());

        var fhir = Encoding.UTF8.GetString(files["provinces.fhir"]);
        Assert.Empty(R4Validation.Errors(fhir));
        var bundle = JsonSerializer.Deserialize<JsonElement>(fhir);
        Assert.Equal("Bundle", bundle.GetProperty("resourceType").GetString());
        Assert.All(bundle.GetProperty("entry").EnumerateArray(), e => Assert.Equal("MeasureReport", e.GetProperty("resource").GetProperty("resourceType").GetString()));

        // No identifier of a child in anything downloaded.
        foreach (var (name, bytes) in files)
        {
            Assert.DoesNotContain(AssociationNetwork.PatientPrefix, Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }

        Assert.Equal(4, await page.Locator("#report-provinces [role=group] button").CountAsync());
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "reports-published");
        await page.Context.CloseAsync();
    }

    /// <summary>The analyst's report page with the grain set to year through the filter form.</summary>
    private async Task<IPage> YearReportPageAsync()
    {
        var page = await portal.SignedInPageAsync(network.TokenAnalyst, server: network.Server.BaseAddress);
        await PortalPages.WaitSettledAsync(page);
        await page.SelectOptionAsync("#report-grain", "year");
        // The submit sets the hash and the page renders on the hashchange that follows: until then the hash already
        // says year and the old page still reads "settled". Marking the old section tells the new page from the old.
        await page.EvalOnSelectorAsync("#report-trend", "section => section.dataset.replaced = 'pending'");
        await page.ClickAsync("form.filters button[type=submit]");
        await page.WaitForFunctionAsync("() => location.hash.includes('grain=year') && document.querySelector('#report-grain')?.value === 'year' && document.body.dataset.busy === 'false'"
            + " && document.querySelector('#report-trend') !== null && document.querySelector('#report-trend').dataset.replaced === undefined");

        return page;
    }

    [Fact]
    public async Task A_download_the_api_refuses_is_explained_on_the_page_in_its_language_and_nothing_is_saved()
    {
        await portal.UploadedAsync();
        using var association = portal.Client(portal.TokenAssociation);
        var page = await portal.SignedInPageAsync(portal.TokenAssociation);
        await PortalPages.WaitSettledAsync(page);
        var downloads = 0;
        page.Download += (_, _) => Interlocked.Increment(ref downloads);

        // Every cell of the portal fixture is suppressed: ADX has no value to carry, the API says 404 nothing-published.
        var (status, body) = await ClickRefusedAsync(page, "adx", "provinces");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.EndsWith("/nothing-published", JsonSerializer.Deserialize<JsonElement>(body).GetProperty("type").GetString(), StringComparison.Ordinal);
        var alert = await page.InnerTextAsync("#download-error-provinces[role=alert]");
        Assert.Contains("Nothing to download as DHIS2 ADX", alert, StringComparison.Ordinal);
        Assert.Contains("suppressed or zero", alert, StringComparison.Ordinal);
        Assert.Empty(await portal.Browser.SeriousViolationsAsync(page));
        await PortalBrowser.ScreenshotAsync(page, "reports-nothing-published.en");

        // The same in Vietnamese (the language switch redraws the page, so the alert is asked for again), by keyboard.
        await PortalPages.SwitchAsync(page, "vi");
        await ClickRefusedAsync(page, "adx", "provinces", keyboard: true);
        alert = await page.InnerTextAsync("#download-error-provinces[role=alert]");
        Assert.Contains("Không có gì để tải dạng DHIS2 ADX", alert, StringComparison.Ordinal);
        Assert.Equal(alert.Normalize(NormalizationForm.FormC), alert);
        Assert.Empty(await portal.Browser.SeriousViolationsAsync(page));
        await PortalBrowser.ScreenshotAsync(page, "reports-nothing-published.vi");

        // A 422 from the real server: the page never asks for a hospital breakdown, so the test turns this request into
        // one (these hospitals have no facility code, so the mapping cannot place them) and the page says why.
        await page.RouteAsync(ReportRequest(), async route =>
        {
            var url = route.Request.Url.Replace("groupBy=province", "groupBy=hospital", StringComparison.Ordinal);
            await route.ContinueAsync(new RouteContinueOptions { Url = url });
        });
        (status, body) = await ClickRefusedAsync(page, "dhis2", "provinces");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("has no facility code", body, StringComparison.Ordinal);
        alert = await page.InnerTextAsync("#download-error-provinces[role=alert]");
        Assert.Contains("Chưa xuất dạng DHIS2 dataValueSets", alert, StringComparison.Ordinal);
        Assert.Contains($"Hospital '{PortalService.TenantA}' has no facility code", alert, StringComparison.Ordinal);
        await page.UnrouteAllAsync();

        // A table the API serves clears the alert and saves the file; nothing was saved before.
        Assert.Equal(0, downloads);
        await page.FocusAsync("#csv-provinces");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync(" "));
        Assert.Equal(0, await page.Locator("#download-error-provinces:visible").CountAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("period,date_source,province,hospital,kind", csv, StringComparison.Ordinal);
        Assert.Contains("Hà Nội", csv, StringComparison.Ordinal);
        Assert.Empty(PortalBrowser.CspViolations(page));
        await page.Context.CloseAsync();
    }

    /// <summary>Clicks (or focuses and presses Enter on) a download the API refuses; returns the API's answer once the page shows its alert.</summary>
    private static async Task<(HttpStatusCode Status, string Body)> ClickRefusedAsync(IPage page, string format, string section, bool keyboard = false)
    {
        var answered = page.WaitForResponseAsync(r => r.Url.Contains("/api/v1/reports/network?", StringComparison.Ordinal) && r.Request.Headers.GetValueOrDefault("accept") == Formats.Single(f => f.Id == format).Accept);
        if (keyboard)
        {
            await page.FocusAsync($"#{format}-{section}");
            await page.Keyboard.PressAsync("Enter");
        }
        else
        {
            await page.ClickAsync($"#{format}-{section}");
        }

        var response = await answered;
        await page.Locator($"#download-error-{section}[role=alert]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        return ((HttpStatusCode)response.Status, await response.TextAsync());
    }

    private static async Task<(HttpStatusCode Status, byte[] Body)> ApiAsync(HttpClient client, string url, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync());
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Parameters(string query) =>
        [.. query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p[1].Replace('+', ' '))))
            .OrderBy(p => p.Key, StringComparer.Ordinal)];

    [GeneratedRegex(@"/api/v1/reports/network\?")]
    private static partial Regex ReportRequest();
}
