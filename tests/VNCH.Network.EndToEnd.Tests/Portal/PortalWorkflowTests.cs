using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>
/// The study list from one request per page (the list's finding summary), the study's audit trail in pages, a file
/// dropped on the upload page, and the models page with its monitoring section; in chromium and through the API.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PortalWorkflowTests(PortalService portal)
{
    [Fact]
    public async Task The_study_list_shows_each_finding_and_review_state_from_one_request_per_page()
    {
        var studies = await portal.UploadedAsync();
        using var client = portal.Client(portal.TokenA);

        // The API: every analysed study of the list carries its finding summary, the same figures as its detail.
        var listed = await EmbeddedListAsync(client);
        var xray = listed.Single(s => s.GetProperty("id").GetString() == studies["imaging"]);
        var summary = xray.GetProperty("analyses").EnumerateArray().Single();
        var detail = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{studies["imaging"]}")).GetProperty("analyses")[0];
        Assert.Equal("pediatric-cxr-pneumonia", summary.GetProperty("analyser").GetProperty("id").GetString());
        Assert.Equal(detail.GetProperty("analyser").GetProperty("version").GetString(), summary.GetProperty("analyser").GetProperty("version").GetString());
        var label = detail.GetProperty("label").GetString()!;
        Assert.Equal(label, summary.GetProperty("label").GetString());
        Assert.Equal(detail.GetProperty("scores").GetProperty(label).GetDouble(), summary.GetProperty("score").GetDouble());
        Assert.Equal(detail.GetProperty("threshold").GetDouble(), summary.GetProperty("threshold").GetDouble());
        var top = summary.GetProperty("topFinding");
        Assert.Contains(detail.GetProperty("findings").EnumerateArray(), f => f.GetProperty("key").GetString() == top.GetProperty("key").GetString());
        var ecg = listed.Single(s => s.GetProperty("id").GetString() == studies["ecg"]).GetProperty("analyses");
        Assert.True(ecg.GetArrayLength() >= 1);
        Assert.All(ecg.EnumerateArray(), a => Assert.Equal(JsonValueKind.Object, a.GetProperty("topFinding").ValueKind));

        // The portal: one request per page, none per row.
        var page = await portal.SignedInPageAsync(portal.TokenA);
        await PortalPages.WaitSettledAsync(page);
        var requests = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/api/", StringComparison.Ordinal))
            {
                lock (requests)
                {
                    requests.Add(new Uri(request.Url).PathAndQuery);
                }
            }
        };
        await page.GotoAsync("/portal/#/studies?pageSize=2");
        await PortalPages.WaitSettledAsync(page);
        Assert.Equal(2, await page.Locator("table.studies tbody tr").CountAsync());
        Assert.Equal(["/api/v1/studies?pageSize=2"], Snapshot(requests));

        // Page two and page three: one request each, with the continuation token.
        for (var n = 2; await page.IsEnabledAsync("nav.pager button:last-of-type"); n++)
        {
            await page.ClickAsync("nav.pager button:last-of-type");
            await page.WaitForFunctionAsync($"() => document.querySelector('nav.pager span')?.innerText === 'Page {n}'");
            Assert.Equal(n, Snapshot(requests).Count);
            Assert.Contains("continuationToken=", Snapshot(requests)[^1], StringComparison.Ordinal);
        }

        Assert.All(Snapshot(requests), r => Assert.StartsWith("/api/v1/studies?", r, StringComparison.Ordinal));

        // The X-ray's row, wherever it is, shows what the API's summary says: the conclusion and the decision score.
        await page.GotoAsync("/portal/#/studies?pageSize=50");
        await PortalPages.WaitSettledAsync(page);
        var line = await page.InnerTextAsync($"tr[data-study='{studies["imaging"]}'] .finding-line[data-analyser='pediatric-cxr-pneumonia']");
        var display = summary.GetProperty("conclusionCode").ValueKind == JsonValueKind.Object
            ? summary.GetProperty("conclusionCode").GetProperty("display").GetString()
            : top.GetProperty("code").GetProperty("display").GetString();
        Assert.Equal($"{display} ({summary.GetProperty("score").GetDouble().ToString("0.00", CultureInfo.InvariantCulture)})", line);
        Assert.Equal(0, Snapshot(requests).Count(r => r.StartsWith("/api/v1/studies/", StringComparison.Ordinal)));
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "studies-findings");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_study_audit_trail_is_paged_with_continuation_tokens_in_the_api_and_the_portal()
    {
        var studies = await portal.UploadedAsync();
        var id = studies["ecg"];
        using var client = portal.Client(portal.TokenA);
        for (var i = 0; i < 30; i++)
        {
            // Each read is audited: the trail is longer than a page of the portal.
            (await client.GetAsync($"/api/v1/studies/{id}")).EnsureSuccessStatusCode();
        }

        // The API: pages of 7 follow one another without a gap or a repeat, as the whole trail read afterwards shows.
        var paged = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = token is null ? "pageSize=7" : $"pageSize=7&continuationToken={Uri.EscapeDataString(token)}";
            var body = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{id}/audit?{query}");
            Assert.True(body.GetProperty("items").GetArrayLength() <= 7);
            paged.AddRange(body.GetProperty("items").EnumerateArray().Select(Describe));
            token = body.GetProperty("continuationToken").GetString();
            pages++;
        }
        while (token is not null && pages < 100);

        Assert.Null(token);
        Assert.True(pages >= 5, $"{paged.Count} records in {pages} pages");
        var whole = (await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{id}/audit?pageSize=1000")).GetProperty("items").EnumerateArray().Select(Describe).ToList();
        Assert.Equal(paged, whole.Take(paged.Count));
        Assert.Equal(paged.Count, paged.Distinct().Count());
        Assert.Contains(paged, r => r.Contains("study.ingest", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/studies/{id}/audit?continuationToken=not-a-token")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/v1/studies/{id}/audit?pageSize=0")).StatusCode);

        // The portal: a page of 25, then "Show more" asks for the next one with the token and appends it.
        var page = await portal.SignedInPageAsync(portal.TokenA);
        var audits = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/audit", StringComparison.Ordinal))
            {
                lock (audits)
                {
                    audits.Add(new Uri(request.Url).Query);
                }
            }
        };
        await page.GotoAsync($"/portal/#/studies/{id}");
        await page.WaitForSelectorAsync("#audit-more");
        await PortalPages.WaitSettledAsync(page);
        Assert.Equal(25, await page.Locator("#study-audit tbody tr").CountAsync());
        Assert.True(await page.IsVisibleAsync("#audit-more"));
        Assert.Contains("25 records shown; there are more.", await page.InnerTextAsync("#study-audit"), StringComparison.Ordinal);
        await page.ClickAsync("#audit-more");
        await page.WaitForFunctionAsync("() => document.querySelectorAll('#study-audit tbody tr').length > 25");
        var rows = await page.Locator("#study-audit tbody tr").CountAsync();
        Assert.True(rows <= 50, $"{rows} rows after one more page");
        Assert.Equal(2, Snapshot(audits).Count);
        Assert.Contains("continuationToken=", Snapshot(audits)[1], StringComparison.Ordinal);
        // The rows shown are the trail's first ones, in order.
        var actions = await page.EvalOnSelectorAllAsync<string[]>("#study-audit tbody tr td:nth-child(3)", "cells => cells.map(c => c.innerText)");
        var compared = Math.Min(rows, whole.Count);
        Assert.Equal(whole.Take(compared).Select(r => r.Split('|')[1]), actions.Take(compared).Select(a => a.Split(" — ")[0]));
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "study-ecg-audit");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_file_dropped_on_the_upload_page_is_uploaded_and_analysed_like_a_chosen_one()
    {
        var dropped = await portal.DroppedAsync();
        Assert.True(dropped.Events.GetProperty("enter").GetBoolean(), "dragenter was not accepted");
        Assert.True(dropped.Events.GetProperty("over").GetBoolean(), "dragover was not accepted");
        Assert.True(dropped.Events.GetProperty("highlighted").GetBoolean(), "the drop zone did not show the drag");
        Assert.True(dropped.Events.GetProperty("drop").GetBoolean(), "the drop was not handled");
        Assert.Equal(1, dropped.Events.GetProperty("files").GetInt32());
        Assert.Contains(Path.GetFileName(dropped.Path), dropped.UploadRow, StringComparison.Ordinal);
        Assert.Equal(1, dropped.Progress);

        // What the server stored is the dropped file, byte for byte, and it was analysed as a chest X-ray.
        using var client = portal.Client(portal.TokenA);
        var study = await client.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{dropped.StudyId}");
        Assert.Equal("imaging", study.GetProperty("summary").GetProperty("kind").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(dropped.Path))), study.GetProperty("instances")[0].GetProperty("sha256").GetString());
        Assert.Equal("pediatric-cxr-pneumonia", study.GetProperty("analyses")[0].GetProperty("analyser").GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_models_page_shows_each_model_with_clinician_agreement_and_volume_per_version()
    {
        await portal.UploadedAsync();
        var dropped = await portal.DroppedAsync();
        using var client = portal.Client(portal.TokenA);
        using var read = await client.GetAsync($"/api/v1/studies/{dropped.StudyId}");
        var study = await read.Content.ReadFromJsonAsync<JsonElement>();
        if (study.GetProperty("summary").GetProperty("review").GetProperty("state").GetString() == "pending")
        {
            using var review = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/studies/{dropped.StudyId}/review")
            {
                Content = new StringContent("""{"decision":"reject","comment":"Phim bình thường; mô hình đánh giá quá mức."}""", Encoding.UTF8, "application/json"),
            };
            review.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag!.Tag);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(review)).StatusCode);
        }

        var models = await client.GetFromJsonAsync<JsonElement>("/api/v1/models");
        var version = models.GetProperty("items").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "pediatric-cxr-pneumonia").GetProperty("version").GetString();

        var page = await portal.SignedInPageAsync(portal.TokenA);
        await page.ClickAsync("nav a[href='#/models']");
        await PortalPages.WaitSettledAsync(page);
        Assert.Equal(models.GetProperty("items").GetArrayLength(), await page.Locator("section.model").CountAsync());
        var xray = page.Locator("section.model[data-model='pediatric-cxr-pneumonia']");
        Assert.Equal(version, await xray.GetAttributeAsync("data-version"));
        Assert.Contains($"Clinicians’ agreement with version {version}", await xray.InnerTextAsync(), StringComparison.Ordinal);

        // Fewer reviews than the disclosure threshold: each period's count is there, suppressed, never 0; no rate.
        var periods = xray.Locator(".agreement-table tbody tr");
        Assert.True(await periods.CountAsync() >= 1);
        var published = await client.GetStringAsync($"/api/v1/reports/network?finding={Uri.EscapeDataString($"pediatric-cxr-pneumonia/clinician-agreement@{version}")}&grain=month&groupBy=category");
        foreach (var row in await periods.AllAsync())
        {
            var cells = await row.Locator("td").AllInnerTextsAsync();
            Assert.True(cells[3] == "suppressed", $"reviewed: {string.Join(" | ", cells)}\n{published}"); // 1 to 9 studies
            Assert.Equal("—", cells[4]);
        }

        var volumes = await xray.Locator(".outputs-table tbody tr td:first-of-type").AllInnerTextsAsync();
        Assert.NotEmpty(volumes);
        Assert.All(volumes, v => Assert.Equal("suppressed", v));

        Assert.DoesNotContain("null", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        // An algorithm is listed as such, with its own monitoring section.
        Assert.Contains("Clinical algorithm", await page.InnerTextAsync("section.model[data-model='ecg-intervals']"), StringComparison.Ordinal);
        await PortalPages.CheckInBothLanguagesAsync(portal.Browser, page, "models");
        await page.Context.CloseAsync();

        // Hospital B's page shows B's figures only: none of A's reviews.
        var other = await portal.SignedInPageAsync(portal.TokenB);
        await other.ClickAsync("nav a[href='#/models']");
        await PortalPages.WaitSettledAsync(other);
        Assert.Contains("No study analysed by this version has been reviewed yet.", await other.InnerTextAsync("section.model[data-model='pediatric-cxr-pneumonia']"), StringComparison.Ordinal);
        Assert.Equal(0, await other.Locator(".agreement-table").CountAsync());
        await other.Context.CloseAsync();
    }

    private static async Task<List<JsonElement>> EmbeddedListAsync(HttpClient client) =>
        [.. await Infrastructure.EmbeddedService.ListAllAsync(client, "")];

    private static string Describe(JsonElement record) =>
        $"{record.GetProperty("time").GetString()}|{record.GetProperty("action").GetString()}|{record.GetProperty("outcome").GetString()}|{record.GetProperty("correlationId").GetString()}|{record.GetProperty("detail")}";

    private static List<string> Snapshot(List<string> requests)
    {
        lock (requests)
        {
            return [.. requests];
        }
    }
}
