using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using VNCH.Network.Portal;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>
/// The clinicians' portal in a real headless chromium against the embedded server process: sign-in, upload through
/// the browser, each result with its picture, hospital isolation, the association's charts; every page checked with
/// axe-core in both languages and screenshotted (portal-screenshots/ in the test output folder).
/// </summary>
[Collection(PortalCollection.Name)]
public sealed partial class PortalTests(PortalService portal)
{
    [Fact]
    public async Task The_portal_is_served_under_a_strict_csp_with_security_headers_and_only_its_own_files()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = portal.Server.BaseAddress };

        using var bare = await http.GetAsync("/portal");
        Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
        Assert.Equal("/portal/", bare.Headers.Location?.OriginalString);

        using var index = await http.GetAsync("/portal/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType?.MediaType);
        var csp = index.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", index.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", index.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", index.Headers.GetValues("Referrer-Policy").Single());

        // Revalidation: the same file again is a 304 with the same ETag.
        using var again = new HttpRequestMessage(HttpMethod.Get, "/portal/js/main.js");
        again.Headers.TryAddWithoutValidation("If-None-Match", (await http.GetAsync("/portal/js/main.js")).Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await http.SendAsync(again)).StatusCode);

        foreach (var path in new[] { "/portal/nothing.js", "/portal/../api/health", "/portal/%2e%2e/tenants.json", "/portal/js/../../keys/jwt-signing-key.pem", "/portal/VNCH.Network.Portal.csproj" })
        {
            using var response = await http.GetAsync(path);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest || path == "/portal/../api/health",
                $"{path}: {response.StatusCode}");
            Assert.DoesNotContain("PRIVATE KEY", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_portal_files_hold_no_inline_script_or_style_and_build_no_markup_from_strings()
    {
        var files = PortalFiles.Load().All.ToList();
        Assert.Contains(files, f => f.Path == "js/main.js");
        foreach (var file in files.Where(f => f.Path.EndsWith(".html", StringComparison.Ordinal)))
        {
            var html = System.Text.Encoding.UTF8.GetString(file.Content);
            Assert.DoesNotMatch(InlineScript(), html);
            Assert.DoesNotMatch(@"\sstyle\s*=|<style|\son[a-z]+\s*=", html);
        }

        foreach (var file in files.Where(f => f.Path.EndsWith(".js", StringComparison.Ordinal)))
        {
            var js = System.Text.Encoding.UTF8.GetString(file.Content);
            foreach (var forbidden in new[] { "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "localStorage.setItem('vnch.session" })
            {
                Assert.False(js.Contains(forbidden, StringComparison.Ordinal), $"{file.Path} uses {forbidden}");
            }
        }
    }

    [Fact]
    public async Task Sign_in_refuses_a_foreign_token_and_keeps_the_session_in_the_tab_only()
    {
        var page = await portal.Browser.NewPageAsync(portal.Server.BaseAddress, "en-GB");
        await page.GotoAsync("/portal/");
        await page.WaitForSelectorAsync("#token");
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "sign-in");

        await page.FillAsync("#token", "not a token");
        await page.ClickAsync("form.signin button[type=submit]");
        Assert.Contains("not a token", await page.InnerTextAsync("#signin-error"), StringComparison.Ordinal);

        // Well formed, but signed by another key: the server refuses it, the portal says so and keeps nothing.
        var parts = portal.TokenA.Split('.');
        await page.FillAsync("#token", $"{parts[0]}.{parts[1]}.{parts[2][..^4]}AAAA");
        await page.ClickAsync("form.signin button[type=submit]");
        await page.WaitForFunctionAsync("() => document.querySelector('#signin-error').innerText.includes('did not accept')");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => sessionStorage.length"));

        await page.FillAsync("#token", portal.TokenA);
        await page.ClickAsync("form.signin button[type=submit]");
        await page.WaitForSelectorAsync("#sign-out");
        Assert.Contains("Nguyễn Thị Lan", await page.InnerTextAsync("#topbar"), StringComparison.Ordinal);
        Assert.Equal("{}", await page.EvaluateAsync<string>("() => JSON.stringify(Object.fromEntries(Object.entries(localStorage).filter(([k]) => k !== 'vnch.portal.language')))"));
        Assert.DoesNotContain(portal.TokenA[..20], page.Url, StringComparison.Ordinal);

        await page.ClickAsync("#sign-out");
        await page.WaitForSelectorAsync("#token");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => sessionStorage.length"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_language_follows_the_browser_and_vietnamese_is_written_with_its_diacritics()
    {
        var page = await portal.Browser.NewPageAsync(portal.Server.BaseAddress, "vi-VN");
        await page.GotoAsync("/portal/");
        await page.WaitForSelectorAsync("#token");
        Assert.Equal("vi", await PortalPages.LanguageAsync(page));
        var text = await page.InnerTextAsync("body");
        Assert.Contains("Đăng nhập", text, StringComparison.Ordinal);
        Assert.Contains("Mã truy cập", text, StringComparison.Ordinal);
        Assert.Equal(text.Normalize(System.Text.NormalizationForm.FormC), text);
        await page.SelectOptionAsync("#language", "en");
        await page.WaitForFunctionAsync("() => document.querySelector('h1').innerText === 'Sign in'");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_clinician_uploads_an_xray_an_ecg_and_an_audiogram_and_sees_each_result_with_its_picture()
    {
        var studies = await portal.UploadedAsync();
        Assert.Equal(["audiogram", "ecg", "imaging"], studies.Keys.Order());

        var page = await portal.SignedInPageAsync(portal.TokenA);
        await PortalPages.WaitSettledAsync(page);
        foreach (var id in studies.Values)
        {
            Assert.Equal(1, await page.Locator($"tr[data-study='{id}']").CountAsync());
        }

        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "studies");

        // The chest X-ray: the rendered image, the model's score against its threshold, the model and its version.
        await OpenStudyAsync(page, studies["imaging"]);
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#rendered-image'); return i && i.complete && i.naturalWidth > 0; }");
        Assert.StartsWith("blob:", await page.GetAttributeAsync("#rendered-image", "src"), StringComparison.Ordinal);
        var result = await page.InnerTextAsync("#study-result");
        Assert.Contains("pediatric-cxr-pneumonia", result, StringComparison.Ordinal);
        Assert.Contains("1.0.0", result, StringComparison.Ordinal);
        Assert.Contains("Threshold", result, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator("#study-result .score-bar").CountAsync());
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "study-xray");

        // Window/level: another window is another picture from the server.
        var before = await page.GetAttributeAsync("#rendered-image", "src");
        await page.FillAsync("#window-center", "60");
        await page.FillAsync("#window-width", "80");
        await page.WaitForFunctionAsync($"() => document.querySelector('#rendered-image').src !== '{before}' && document.querySelector('#window-state').innerText.includes('60')");
        await PortalBrowser.ScreenshotAsync(page, "study-xray-window.en");

        // The FHIR records of the study are listed, the preliminary report among them.
        Assert.Equal(1, await page.Locator("#study-records tr[data-resource-type='DiagnosticReport'][data-status='preliminary']").CountAsync());

        // The ECG: every lead on the paper grid with its calibration pulse, the beats marked, the intervals listed.
        await OpenStudyAsync(page, studies["ecg"]);
        var leads = await page.Locator("svg.ecg-paper g.ecg-lead").CountAsync();
        Assert.True(leads >= 1, "no lead drawn");
        Assert.Equal(leads, await page.Locator("svg.ecg-paper g.ecg-lead polyline").CountAsync());
        Assert.True(await page.Locator("svg.ecg-paper path.beat").CountAsync() >= leads, "no beat marked");
        Assert.Equal(1, await page.Locator("svg.ecg-paper pattern#ecg-major").CountAsync());
        Assert.Contains("QRS", await page.InnerTextAsync(".ecg-intervals"), StringComparison.Ordinal);
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "study-ecg");

        // The audiogram: O and X for air, brackets or < > for bone per the document, the PTA and the WHO grade.
        await OpenStudyAsync(page, studies["audiogram"]);
        Assert.True(await page.Locator("svg.audiogram-svg g.symbol[data-ear='right'][data-conduction='air']").CountAsync() >= 4);
        Assert.True(await page.Locator("svg.audiogram-svg g.symbol[data-ear='left'][data-conduction='air']").CountAsync() >= 4);
        Assert.True(await page.Locator("svg.audiogram-svg g.symbol[data-conduction='bone']").CountAsync() >= 1);
        Assert.Contains("PTA4", await page.InnerTextAsync(".audiogram-summary"), StringComparison.Ordinal);
        Assert.Contains("Normal hearing", await page.InnerTextAsync("#who-grade"), StringComparison.Ordinal);
        Assert.Contains("WHO", await page.InnerTextAsync("#study-result"), StringComparison.Ordinal);
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "study-audiogram");

        // The audit trail of the study shows this clinician's reads; the original downloads byte for byte.
        Assert.Contains("Nguyễn Thị Lan", await page.InnerTextAsync("#study-audit"), StringComparison.Ordinal);
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-original"));
        Assert.Equal(File.ReadAllBytes(PortalService.Audiogram), File.ReadAllBytes((await download.PathAsync())!));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Hospital_b_never_sees_hospital_a_studies_in_the_portal()
    {
        var studies = await portal.UploadedAsync();
        var page = await portal.SignedInPageAsync(portal.TokenB);
        await PortalPages.WaitSettledAsync(page);
        var listed = await page.InnerTextAsync("main");
        Assert.Contains("No studies match", listed, StringComparison.Ordinal);
        foreach (var id in studies.Values)
        {
            Assert.Equal(0, await page.Locator($"tr[data-study='{id}']").CountAsync());
            await page.GotoAsync($"/portal/#/studies/{id}");
            await PortalPages.WaitSettledAsync(page);
            Assert.Contains("no such study for your hospital", await page.InnerTextAsync("main"), StringComparison.Ordinal);
            Assert.Equal(0, await page.Locator("#rendered-image, svg.ecg-paper, svg.audiogram-svg").CountAsync());
        }

        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "hospital-b-not-found");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_association_sees_the_network_report_as_charts_and_tables_with_suppressed_cells_shown_as_such()
    {
        await portal.UploadedAsync();
        var page = await portal.SignedInPageAsync(portal.TokenAssociation);
        await PortalPages.WaitSettledAsync(page);
        Assert.EndsWith("#/reports", page.Url, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("nav a[href='#/studies']").CountAsync());
        Assert.Equal(1, await page.Locator("#report-trend svg.line-chart").CountAsync());
        Assert.Equal(1, await page.Locator("#report-ages svg.bar-chart").CountAsync());
        Assert.Equal(1, await page.Locator("#report-provinces svg.bar-chart").CountAsync());
        // Three studies are fewer than the disclosure threshold: every cell is suppressed, drawn hatched, never as 0.
        Assert.True(await page.Locator("svg.chart .suppressed").CountAsync() > 0);
        Assert.Contains("suppressed", await page.InnerTextAsync("#report-provinces"), StringComparison.Ordinal);
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "reports");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv-provinces"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("period,date_source,province,hospital,kind", csv, StringComparison.Ordinal);
        Assert.Contains("Hà Nội", csv, StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_clinician_confirms_one_finding_and_rejects_another_and_sees_the_final_report_in_the_fhir_view_and_the_api()
    {
        var studies = await portal.UploadedAsync();
        var page = await portal.SignedInPageAsync(portal.TokenA);

        await OpenStudyAsync(page, studies["imaging"]);
        await ReviewAsync(page, "confirm", "Đồng ý: đông đặc thùy dưới phổi phải.");
        Assert.Contains("Confirm", await page.InnerTextAsync("#current-review"), StringComparison.Ordinal);
        Assert.Contains("Nguyễn Thị Lan", await page.InnerTextAsync("#current-review"), StringComparison.Ordinal);
        Assert.Equal(1, await FinalReportRowsAsync(page));
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "study-xray-reviewed");

        await OpenStudyAsync(page, studies["ecg"]);
        await ReviewAsync(page, "reject", "Nhiễu đường đáy; đo lại bằng tay.");
        Assert.Contains("Reject", await page.InnerTextAsync("#current-review"), StringComparison.Ordinal);
        Assert.Equal(1, await FinalReportRowsAsync(page));

        // The API says the same: a final report by the clinician for each, the ECG's findings rejected.
        using var client = portal.Client(portal.TokenA);
        foreach (var (kind, decision) in new[] { ("imaging", "confirm"), ("ecg", "reject") })
        {
            var study = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{studies[kind]}");
            var current = study.GetProperty("summary").GetProperty("review").GetProperty("current");
            Assert.Equal(decision, current.GetProperty("decision").GetString());
            Assert.Equal("final", current.GetProperty("reportStatus").GetString());
            var bundle = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{studies[kind]}/fhir");
            var reports = bundle.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource"))
                .Where(r => r.GetProperty("resourceType").GetString() == "DiagnosticReport").ToList();
            Assert.Contains(reports, r => r.GetProperty("status").GetString() == "final"
                && r.GetProperty("performer").EnumerateArray().Any(p => p.TryGetProperty("display", out var name) && name.GetString() == "Nguyễn Thị Lan"));
        }

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_stale_review_is_refused_and_the_page_reloads_with_the_decision_that_came_first()
    {
        var studies = await portal.UploadedAsync();
        var first = await portal.SignedInPageAsync(portal.TokenA);
        var second = await portal.SignedInPageAsync(portal.TokenA);
        await OpenStudyAsync(first, studies["audiogram"]);
        await OpenStudyAsync(second, studies["audiogram"]);

        await ReviewAsync(first, "confirm", "Nghe kém dẫn truyền tai phải; hẹn đo nhĩ lượng lại.");
        await second.CheckAsync("#decision-reject");
        await second.ClickAsync("#review-submit");
        await second.WaitForSelectorAsync("#flash");
        await PortalPages.WaitSettledAsync(second);
        Assert.Contains("Someone reviewed this study", await second.InnerTextAsync("#flash"), StringComparison.Ordinal);
        Assert.Contains("Confirm", await second.InnerTextAsync("#current-review"), StringComparison.Ordinal);

        using var client = portal.Client(portal.TokenA);
        var review = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{studies["audiogram"]}")).GetProperty("summary").GetProperty("review");
        Assert.Equal(1, review.GetProperty("reviewCount").GetInt32());
        Assert.Equal("confirm", review.GetProperty("current").GetProperty("decision").GetString());
        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }

    private static async Task ReviewAsync(IPage page, string decision, string comment)
    {
        await page.CheckAsync($"#decision-{decision}");
        await page.FillAsync("#review-comment", comment);
        await page.ClickAsync("#review-submit");
        await page.WaitForSelectorAsync("#flash");
        await PortalPages.WaitSettledAsync(page);
    }

    /// <summary>The FHIR view's final reports, once the page has redrawn it after the review (the flash can come first).</summary>
    private static async Task<int> FinalReportRowsAsync(IPage page)
    {
        var rows = page.Locator("#study-records tr[data-resource-type='DiagnosticReport'][data-status='final']");
        await rows.First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        return await rows.CountAsync();
    }

    private static async Task OpenStudyAsync(IPage page, string id)
    {
        await page.GotoAsync($"/portal/#/studies/{id}");
        await page.WaitForSelectorAsync("#study-picture");
        await PortalPages.WaitSettledAsync(page);
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
