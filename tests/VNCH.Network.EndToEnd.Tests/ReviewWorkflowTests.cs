using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;
using Task = System.Threading.Tasks.Task;

namespace VNCH.Network.EndToEnd.Tests;

/// <summary>Hospital A with a chest X-ray, an ECG and an audiogram analysed, and two clinicians with review tokens.</summary>
public sealed class ReviewStudies : EmbeddedService
{
    public static readonly string Cxr = TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm");
    public static readonly string SecondCxr = TestData.File("dicom/derived_pediatric_cxr/peds_cxr_normal_NORMAL2-IM-0092-0001_jpegbaseline.dcm");
    public static readonly string Ecg = TestData.File("dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm");
    public static readonly string Audiogram = Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json");

    public Dictionary<string, string> StudyIds { get; } = [];

    public string DrLan { get; private set; } = "";

    public string DrMinh { get; private set; } = "";

    /// <summary>Studies.Read only: may look, may not review.</summary>
    public string Reader { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        DrLan = await MintUserAsync("Bác sĩ Lan", "Studies.Read,Studies.Review");
        DrMinh = await MintUserAsync("Bác sĩ Minh", "Studies.Read,Studies.Review");
        Reader = await MintUserAsync("reader", "Studies.Read");
        using var a = Client(TokenA);
        foreach (var (path, mediaType) in new[] { (Cxr, "application/dicom"), (SecondCxr, "application/dicom"), (Ecg, "application/dicom"), (Audiogram, "application/vnd.vnch.audiogram+json") })
        {
            using var content = new StreamContent(File.OpenRead(path));
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            using var response = await a.PostAsync("/api/v1/studies", content);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {body}");
            StudyIds[path] = body.GetProperty("studies")[0].GetProperty("location").GetString()!.Split('/')[^1];
        }

        await WaitForFinalAsync(a, StudyIds.Count, TimeSpan.FromMinutes(3));
    }

    private async Task<string> MintUserAsync(string user, string roles)
    {
        var minted = await BuiltProgram.RunCliAsync("token", "--tenant", TenantA, "--roles", roles, "--user", user, "--data-path", DataPath);
        Assert.True(minted.ExitCode == 0, minted.Stderr);
        return minted.Stdout.Trim();
    }
}

public sealed class ReviewWorkflowTests(ReviewStudies service) : IClassFixture<ReviewStudies>
{
    private static async Task<(JsonElement Study, string ETag)> GetAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/v1/studies/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(), etag.Tag);
    }

    private static async Task<HttpResponseMessage> ReviewAsync(HttpClient client, string id, string? etag, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/studies/{id}/review")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return await client.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var type = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();
        Assert.Equal($"https://vnch.network/problems/{slug}", type);
    }

    [Fact]
    public async Task A_clinician_confirms_a_finding_and_the_final_report_names_her_in_the_api_and_in_fhir()
    {
        var id = service.StudyIds[ReviewStudies.Cxr];
        using var lan = service.Client(service.DrLan);
        var (before, etag) = await GetAsync(lan, id);
        Assert.Equal("pending", before.GetProperty("summary").GetProperty("review").GetProperty("state").GetString());
        var finding = before.GetProperty("analyses")[0].GetProperty("findings")[0];
        var analyser = before.GetProperty("analyses")[0].GetProperty("analyser").GetProperty("id").GetString()!;

        await AssertProblemAsync(await ReviewAsync(lan, id, null, """{"decision":"confirm"}"""), (HttpStatusCode)428, "precondition-required");
        await AssertProblemAsync(await ReviewAsync(lan, id, "\"stale\"", """{"decision":"confirm"}"""), HttpStatusCode.PreconditionFailed, "precondition-failed");
        await AssertProblemAsync(await ReviewAsync(lan, id, etag, """{"decision":"maybe"}"""), HttpStatusCode.BadRequest, "invalid-request");
        using (var reader = service.Client(service.Reader))
        {
            await AssertProblemAsync(await ReviewAsync(reader, id, etag, """{"decision":"confirm"}"""), HttpStatusCode.Forbidden, "missing-role");
        }

        using var reviewed = await ReviewAsync(lan, id, etag, $$"""
            {"decision":"confirm","comment":"Đông đặc thùy dưới phải, đồng ý.","findings":[{"analyser":"{{analyser}}","finding":"{{finding.GetProperty("key").GetString()}}","decision":"confirm"}]}
            """);
        var body = await reviewed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(reviewed.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.NotEqual(etag, reviewed.Headers.ETag!.Tag);
        var review = body.GetProperty("review");
        Assert.Equal("final", review.GetProperty("reportStatus").GetString());
        Assert.Equal("Bác sĩ Lan", review.GetProperty("reviewer").GetProperty("name").GetString());
        Assert.Equal($"dev:{EmbeddedService.TenantA}:Bác sĩ Lan", review.GetProperty("reviewer").GetProperty("id").GetString());

        var (after, newETag) = await GetAsync(lan, id);
        Assert.Equal(reviewed.Headers.ETag!.Tag, newETag);
        Assert.Equal("reviewed", after.GetProperty("summary").GetProperty("status").GetString());
        var state = after.GetProperty("summary").GetProperty("review");
        Assert.Equal("reviewed", state.GetProperty("state").GetString());
        Assert.Equal("Đông đặc thùy dưới phải, đồng ý.", state.GetProperty("current").GetProperty("comment").GetString());
        Assert.Equal("confirm", after.GetProperty("analyses")[0].GetProperty("findings")[0].GetProperty("review").GetProperty("decision").GetString());

        var bundle = FhirJson.Parse<Bundle>(await lan.GetStringAsync($"/api/v1/studies/{id}/fhir"));
        Assert.Empty(R4Validation.Errors(FhirJson.Serialize(bundle)));
        var resources = bundle.Entry.Select(e => e.Resource).ToList();
        var final = resources.OfType<DiagnosticReport>().Single(r => r.Status == DiagnosticReport.DiagnosticReportStatus.Final);
        var practitioner = resources.OfType<Practitioner>().Single();
        Assert.Equal("Bác sĩ Lan", practitioner.Name[0].Text);
        Assert.Equal($"Practitioner/{practitioner.Id}", final.Performer[0].Reference);
        Assert.Contains(resources.OfType<Provenance>(), p => p.Target.Any(t => t.Reference == $"DiagnosticReport/{final.Id}")
            && p.Agent.Any(a => a.Who.Reference == $"Practitioner/{practitioner.Id}"));

        var reviewedIds = (await EmbeddedService.ListAllAsync(lan, "&review=reviewed")).Select(s => s.GetProperty("id").GetString()).ToList();
        var pendingIds = (await EmbeddedService.ListAllAsync(lan, "&review=pending")).Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Contains(id, reviewedIds);
        Assert.DoesNotContain(id, pendingIds);
        Assert.Contains(service.StudyIds[ReviewStudies.Ecg], pendingIds);

        var trail = await lan.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{id}/audit");
        var actions = trail.GetProperty("items").EnumerateArray().Select(r => (r.GetProperty("action").GetString(), r.GetProperty("outcome").GetString())).ToList();
        Assert.Contains(("study.review", "success"), actions);
        Assert.Contains(("study.review", "conflict"), actions);
        Assert.Contains(actions, a => a.Item1 == "study.ingest");
    }

    [Fact]
    public async Task Two_clinicians_reviewing_the_same_version_at_once_give_one_review_and_one_412()
    {
        var id = service.StudyIds[ReviewStudies.SecondCxr];
        using var lan = service.Client(service.DrLan);
        using var minh = service.Client(service.DrMinh);
        var (_, etag) = await GetAsync(lan, id);

        var responses = await Task.WhenAll(
            ReviewAsync(lan, id, etag, """{"decision":"confirm","comment":"Lan"}"""),
            ReviewAsync(minh, id, etag, """{"decision":"reject","comment":"Minh"}"""));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
        var winner = responses.Single(r => r.StatusCode == HttpStatusCode.OK);
        var winnerComment = (await winner.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("review").GetProperty("comment").GetString();
        var (study, current) = await GetAsync(lan, id);
        Assert.Equal(1, study.GetProperty("summary").GetProperty("review").GetProperty("reviewCount").GetInt32());
        Assert.Equal(winnerComment, study.GetProperty("reviews")[0].GetProperty("comment").GetString());

        // The loser reads again and amends: a second review, the report becomes amended.
        using var amended = await ReviewAsync(minh, id, current, """{"decision":"reject","comment":"Minh, after reading Lan's review"}""");
        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        Assert.Equal("amended", (await amended.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("review").GetProperty("reportStatus").GetString());
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_review_naming_a_finding_the_study_lacks_or_giving_a_wrong_value_is_a_400()
    {
        using var lan = service.Client(service.DrLan);
        var id = service.StudyIds[ReviewStudies.Audiogram];
        var (_, etag) = await GetAsync(lan, id);
        await AssertProblemAsync(await ReviewAsync(lan, id, etag, """{"decision":"confirm","findings":[{"analyser":"audiometry","finding":"nope","decision":"reject"}]}"""),
            HttpStatusCode.BadRequest, "invalid-request");
        await AssertProblemAsync(await ReviewAsync(lan, id, etag, """{"decision":"amend","findings":[{"analyser":"audiometry","finding":"pta4-right","decision":"amend","value":"loud"}]}"""),
            HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task The_ecg_route_gives_every_lead_in_microvolts_with_beats_intervals_and_flags()
    {
        using var a = service.Client(service.TokenA);
        var ecg = await a.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{service.StudyIds[ReviewStudies.Ecg]}/ecg");
        var rate = ecg.GetProperty("samplingRateHz").GetDouble();
        var count = ecg.GetProperty("sampleCount").GetInt32();
        Assert.True(rate > 0);
        var leads = ecg.GetProperty("leads").EnumerateArray().ToList();
        Assert.True(leads.Count >= 1);
        Assert.All(leads, l => Assert.Equal(count, l.GetProperty("samples").GetArrayLength()));
        Assert.Contains(leads, l => l.GetProperty("samples").EnumerateArray().Any(v => Math.Abs(v.GetDouble()) > 50));
        Assert.NotEmpty(ecg.GetProperty("beats").EnumerateArray());
        Assert.True(ecg.GetProperty("heartRateBpm").GetDouble() > 30);
        Assert.Contains(ecg.GetProperty("flags").EnumerateArray(), f => f.GetProperty("code").GetProperty("code").GetString() == "8867-4");
        Assert.Equal("ecg-intervals", ecg.GetProperty("analyser").GetProperty("id").GetString());

        using var notEcg = await a.GetAsync($"/api/v1/studies/{service.StudyIds[ReviewStudies.Cxr]}/ecg");
        await AssertProblemAsync(notEcg, HttpStatusCode.NotFound, "no-ecg");
    }

    [Fact]
    public async Task The_audiogram_route_gives_the_points_averages_and_who_grade()
    {
        using var a = service.Client(service.TokenA);
        var audiogram = await a.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{service.StudyIds[ReviewStudies.Audiogram]}/audiogram");
        var document = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(ReviewStudies.Audiogram));
        var points = audiogram.GetProperty("points").EnumerateArray().ToList();
        var ears = document.GetProperty("ears");
        foreach (var (ear, conduction) in new[] { ("right", "air"), ("right", "bone"), ("left", "air"), ("left", "bone") })
        {
            var sent = ears.GetProperty(ear).TryGetProperty($"{conduction}Conduction", out var list) ? list.EnumerateArray().ToList() : [];
            var shown = points.Where(p => p.GetProperty("ear").GetString() == ear && p.GetProperty("conduction").GetString() == conduction).ToList();
            Assert.Equal(
                sent.Select(t => (t.GetProperty("frequencyHz").GetInt32(), t.GetProperty("thresholdDbHl").GetDouble(), t.TryGetProperty("masked", out var m) && m.GetBoolean())).Order(),
                shown.Select(p => (p.GetProperty("frequencyHz").GetInt32(), p.GetProperty("thresholdDbHl").GetDouble(), p.GetProperty("masked").GetBoolean())).Order());
        }

        Assert.All(points, p => Assert.Contains(p.GetProperty("ear").GetString(), new[] { "right", "left" }));
        Assert.False(string.IsNullOrEmpty(audiogram.GetProperty("grade").GetString()));
        Assert.Contains(audiogram.GetProperty("ears").EnumerateArray(), e => e.GetProperty("pta4DbHl").ValueKind == JsonValueKind.Number);
    }

    [Fact]
    public async Task The_original_is_downloaded_byte_for_byte_and_the_download_is_audited()
    {
        using var a = service.Client(service.TokenA);
        var id = service.StudyIds[ReviewStudies.Ecg];
        using var response = await a.GetAsync($"/api/v1/studies/{id}/original");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(await File.ReadAllBytesAsync(ReviewStudies.Ecg), bytes);
        Assert.Equal($"sha-256={Convert.ToBase64String(SHA256.HashData(bytes))}", response.Headers.GetValues("Digest").Single());
        var trail = await a.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{id}/audit");
        Assert.Contains(trail.GetProperty("items").EnumerateArray(), r => r.GetProperty("action").GetString() == "study.original.read");
        using var missing = await a.GetAsync($"/api/v1/studies/{id}/original?instance=1.2.3.4");
        await AssertProblemAsync(missing, HttpStatusCode.NotFound, "study-not-found");
    }

    [Fact]
    public async Task The_models_route_lists_every_analyser_and_serves_the_model_card()
    {
        using var a = service.Client(service.TokenA);
        var list = await a.GetFromJsonAsync<JsonElement>("/api/v1/models");
        var ids = list.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Contains("ecg-intervals", ids);
        Assert.Contains("audiometry", ids);
        Assert.Contains("pediatric-cxr-pneumonia", ids);

        var model = await a.GetFromJsonAsync<JsonElement>("/api/v1/models/pediatric-cxr-pneumonia");
        var manifest = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(Path.Combine(TestData.RepositoryRoot, "models", "pediatric-cxr-pneumonia", "model.json")));
        Assert.Equal(manifest.GetProperty("version").GetString(), model.GetProperty("version").GetString());
        Assert.Equal(manifest.GetProperty("sha256").GetString(), model.GetProperty("sha256").GetString());
        Assert.Equal("model", model.GetProperty("kind").GetString());
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(TestData.RepositoryRoot, "models", "pediatric-cxr-pneumonia", "MODEL_CARD.md")), model.GetProperty("card").GetString());
        using var missing = await a.GetAsync("/api/v1/models/no-such-model");
        await AssertProblemAsync(missing, HttpStatusCode.NotFound, "model-not-found");
    }

    [Fact]
    public async Task Another_hospital_gets_404_for_every_portal_route_of_a_study()
    {
        using var b = service.Client(service.TokenB);
        var id = service.StudyIds[ReviewStudies.Ecg];
        foreach (var path in new[] { "ecg", "audiogram", "original", "audit" })
        {
            using var response = await b.GetAsync($"/api/v1/studies/{id}/{path}");
            await AssertProblemAsync(response, HttpStatusCode.NotFound, "study-not-found");
        }

        await AssertProblemAsync(await ReviewAsync(b, id, "\"x\"", """{"decision":"confirm"}"""), HttpStatusCode.NotFound, "study-not-found");
    }
}
