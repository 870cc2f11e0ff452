using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Hl7.Fhir.Model;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;
using Task = System.Threading.Tasks.Task;

namespace VNCH.Network.EndToEnd.Tests;

public sealed class TwoHospitalsTests(TwoHospitals service) : IClassFixture<TwoHospitals>
{
    private static string Status(JsonElement study) => study.GetProperty("status").GetString()!;

    [Fact]
    public void Single_uploads_are_accepted_with_the_study_location()
    {
        Assert.All(service.SingleResponses, r =>
        {
            Assert.Equal(HttpStatusCode.OK, r.Status);
            var instance = Assert.Single(r.Body.GetProperty("instances").EnumerateArray());
            Assert.Equal("accepted", instance.GetProperty("status").GetString());
            Assert.StartsWith($"{service.Server.BaseAddress}api/v1/studies/", r.Body.GetProperty("studies")[0].GetProperty("location").GetString(), StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_stow_answer_lists_every_instance_sent_in_the_referenced_sop_sequence()
    {
        var (status, contentType, body) = service.MultipartResponse;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/dicom+json", contentType);
        var referenced = body.GetProperty("00081199").GetProperty("Value").EnumerateArray().ToList();
        Assert.Equal(TwoHospitals.MultipartFiles.Length, referenced.Count);
        Assert.All(referenced, item =>
        {
            Assert.StartsWith("1.2.840.10008.5.1.4.1.1.", item.GetProperty("00081150").GetProperty("Value")[0].GetString(), StringComparison.Ordinal);
            Assert.Equal("UI", item.GetProperty("00081155").GetProperty("vr").GetString());
            Assert.Contains("/api/v1/studies/", item.GetProperty("00081190").GetProperty("Value")[0].GetString(), StringComparison.Ordinal);
        });
        Assert.False(body.TryGetProperty("00081198", out _));
    }

    [Fact]
    public async Task Each_hospital_sees_only_its_own_studies()
    {
        Assert.Equal(TwoHospitals.ExpectedStudiesA, service.StudiesA.Count);
        Assert.Equal(TwoHospitals.InboxFiles.Length, service.StudiesB.Count);
        var idsA = service.StudiesA.Select(s => s.GetProperty("id").GetString()).ToHashSet();
        var idsB = service.StudiesB.Select(s => s.GetProperty("id").GetString()).ToHashSet();
        Assert.Empty(idsA.Intersect(idsB));

        // The CXR both hospitals sent is two studies with two patients.
        var uid = "1.2.826.0.1.3680043.8.498.74540691460653822556848134256929695154";
        Assert.Single(service.StudiesA, s => s.GetProperty("studyInstanceUid").GetString() == uid);
        Assert.Single(service.StudiesB, s => s.GetProperty("studyInstanceUid").GetString() == uid);

        using var a = service.Client(service.TokenA);
        var foreignId = idsB.First()!;
        var foreign = await a.GetAsync($"/api/v1/studies/{foreignId}");
        var missing = await a.GetAsync($"/api/v1/studies/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync($"/api/v1/studies/{foreignId}/fhir")).StatusCode);
        Assert.Equal(Problem(await missing.Content.ReadAsStringAsync()).Type, Problem(await foreign.Content.ReadAsStringAsync()).Type);
    }

    [Fact]
    public void Every_study_ends_in_a_final_state_with_timestamps()
    {
        foreach (var study in service.StudiesA.Concat(service.StudiesB))
        {
            var status = Status(study);
            Assert.Contains(status, EmbeddedService.FinalStatuses);
            var times = study.GetProperty("statusTimes");
            Assert.True(times.TryGetProperty("received", out _));
            Assert.True(times.TryGetProperty(status, out _));
            if (status == "no-analyser")
            {
                Assert.Equal("no-analyser", study.GetProperty("reason").GetProperty("code").GetString());
            }
        }

        // Every well-formed DICOM study was parsed (none rejected), whatever analysers the build includes.
        Assert.Single(service.StudiesA, s => Status(s) == "rejected");
        Assert.DoesNotContain(service.StudiesB, s => Status(s) is "rejected" or "failed");
    }

    [Fact]
    public async Task A_malformed_file_is_rejected_with_a_reason_and_its_original_kept()
    {
        Assert.Equal(HttpStatusCode.Conflict, service.MalformedResponse.Status);
        var instance = service.MalformedResponse.Body.GetProperty("instances")[0];
        Assert.Equal("cannot-understand", instance.GetProperty("reason").GetString());

        var rejected = Assert.Single(service.StudiesA, s => Status(s) == "rejected");
        Assert.Equal("cannot-understand", rejected.GetProperty("reason").GetProperty("code").GetString());
        using var a = service.Client(service.TokenA);
        var detail = await a.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{rejected.GetProperty("id").GetString()}");
        var sha = detail.GetProperty("instances")[0].GetProperty("sha256").GetString()!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(TwoHospitals.Malformed)), sha);
        var original = Path.Combine(service.DataPath, "originals", EmbeddedService.TenantA, sha[..2], sha);
        Assert.Equal(TwoHospitals.Malformed, await File.ReadAllBytesAsync(original));
    }

    [Fact]
    public void Inbox_files_are_moved_to_processed()
    {
        var processed = Directory.GetFiles(Path.Combine(service.DataPath, "processed", EmbeddedService.TenantB), "*", SearchOption.AllDirectories);
        Assert.Equal(TwoHospitals.InboxFiles.Length, processed.Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(service.DataPath, "inbox", EmbeddedService.TenantB), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Study_details_list_instances_with_hashes_and_a_multi_instance_study_has_both()
    {
        using var a = service.Client(service.TokenA);
        var shared = service.StudiesA.Single(s => s.GetProperty("instanceCount").GetInt32() == 2);
        var detail = await a.GetFromJsonAsync<JsonElement>($"/api/v1/studies/{shared.GetProperty("id").GetString()}");
        var instances = detail.GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal(["1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90"], instances.Select(i => i.GetProperty("transferSyntaxUid").GetString()).Order());
        Assert.All(instances, i => Assert.Matches("^[0-9a-f]{64}$", i.GetProperty("sha256").GetString()));
    }

    [Fact]
    public async Task Fhir_bundles_are_valid_r4_and_scoped_to_the_tenant()
    {
        using var b = service.Client(service.TokenB);
        foreach (var study in service.StudiesB)
        {
            using var response = await b.GetAsync($"/api/v1/studies/{study.GetProperty("id").GetString()}/fhir");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
            var json = await response.Content.ReadAsStringAsync();
            Assert.Empty(R4Validation.Errors(json));

            var bundle = FhirJson.Parse<Bundle>(json);
            var patient = bundle.Entry.Select(e => e.Resource).OfType<Patient>().Single();
            Assert.All(patient.Identifier, i => Assert.StartsWith($"urn:vnch:tenant:{EmbeddedService.TenantB}:issuer:", i.System, StringComparison.Ordinal));
            var imaging = bundle.Entry.Select(e => e.Resource).OfType<ImagingStudy>().Single();
            Assert.Equal($"urn:oid:{study.GetProperty("studyInstanceUid").GetString()}", imaging.Identifier[0].Value);
        }
    }

    [Fact]
    public async Task Duplicates_are_recognised_and_a_changed_instance_is_a_conflict()
    {
        using var a = service.Client(service.TokenA);
        var file = TestData.File(TwoHospitals.SingleFiles[0]);
        using var again = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        again.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        var duplicate = await (await a.PostAsync("/api/v1/studies", again)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("duplicate", duplicate.GetProperty("instances")[0].GetProperty("status").GetString());

        var altered = await File.ReadAllBytesAsync(file);
        altered[^1] ^= 0x5A;
        using var changed = new ByteArrayContent(altered);
        changed.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/studies") { Content = changed };
        request.Headers.Accept.ParseAdd("application/dicom+json");
        using var response = await a.SendAsync(request);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var failed = body.GetProperty("00081198").GetProperty("Value")[0];
        Assert.Equal(0x0111, failed.GetProperty("00081197").GetProperty("Value")[0].GetInt32());

        Assert.Equal(service.StudiesA.Count, (await EmbeddedService.ListAllAsync(a)).Count);
    }

    [Fact]
    public async Task Reads_and_writes_leave_audit_records_with_who_what_outcome_and_correlation()
    {
        using var a = service.Client(service.TokenA);
        var id = service.StudiesA[0].GetProperty("id").GetString();
        using (var read = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/studies/{id}/fhir"))
        {
            read.Headers.Add("X-Correlation-ID", "e2e-read-0002");
            Assert.Equal(HttpStatusCode.OK, (await a.SendAsync(read)).StatusCode);
        }

        var audit = (await a.GetFromJsonAsync<JsonElement>("/api/v1/audit")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(audit, r => Assert.Equal(EmbeddedService.TenantA, r.GetProperty("tenant").GetString()));
        var uploads = audit.Where(r => r.GetProperty("action").GetString() == "study.ingest" && r.GetProperty("correlationId").GetString() == TwoHospitals.CorrelationId).ToList();
        Assert.True(uploads.Count >= TwoHospitals.SingleFiles.Length + TwoHospitals.MultipartFiles.Length + 1);
        Assert.Contains(uploads, r => r.GetProperty("outcome").GetString() == "rejected");
        // Each development token names its person: the audit can tell two users of one hospital apart.
        Assert.All(uploads, r => Assert.Equal($"dev:{EmbeddedService.TenantA}:{Environment.UserName}", r.GetProperty("actor").GetString()));
        var fhirRead = Assert.Single(audit, r => r.GetProperty("correlationId").GetString() == "e2e-read-0002");
        Assert.Equal("study.fhir.read", fhirRead.GetProperty("action").GetString());
        Assert.Equal(id, fhirRead.GetProperty("resourceId").GetString());
        Assert.Equal("success", fhirRead.GetProperty("outcome").GetString());
        Assert.Contains(audit, r => r.GetProperty("action").GetString() == "study.analyse" && r.GetProperty("actor").GetString() == "system:analysis");

        using var b = service.Client(service.TokenB);
        var auditB = (await b.GetFromJsonAsync<JsonElement>("/api/v1/audit")).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(auditB, r => r.GetProperty("actor").GetString() == "system:inbox" && r.GetProperty("action").GetString() == "study.ingest");
        Assert.DoesNotContain(auditB, r => r.GetProperty("correlationId").GetString() == TwoHospitals.CorrelationId);

        var verify = await BuiltProgram.RunCliAsync("audit", "verify", "--data-path", service.DataPath);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    [Fact]
    public async Task Listing_filters_by_status_and_modality_and_rejects_bad_filters()
    {
        using var a = service.Client(service.TokenA);
        var rejected = await EmbeddedService.ListAllAsync(a, "&status=rejected");
        Assert.Single(rejected);
        var cr = await EmbeddedService.ListAllAsync(a, "&modality=CR");
        Assert.Equal(service.StudiesA.Count(s => s.GetProperty("modality").GetString() == "CR"), cr.Count);
        Assert.True(cr.Count >= 2);
        Assert.All(cr, s => Assert.Equal("CR", s.GetProperty("modality").GetString()));

        using var bad = await a.GetAsync("/api/v1/studies?status=done");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType!.MediaType);
        Assert.Equal("https://vnch.network/problems/invalid-request", Problem(await bad.Content.ReadAsStringAsync()).Type);
    }

    private static (string Type, int Status) Problem(string json)
    {
        var problem = JsonSerializer.Deserialize<JsonElement>(json);
        return (problem.GetProperty("type").GetString()!, problem.GetProperty("status").GetInt32());
    }
}
