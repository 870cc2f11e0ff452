using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>`vnch` as a process against the embedded server: strict options, the results commands, upload verdicts and exit codes.</summary>
public sealed class CliCommandTests(EmbeddedService service) : IClassFixture<EmbeddedService>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private string[] Server(string token) => ["--server", service.Server.BaseAddress.ToString(), "--token", token];

    [Theory]
    [InlineData("type", null, "tenant", "add", "x-hosp", "--name", "X", "--type", "association")]
    [InlineData("nme", "--name", "tenant", "add", "x-hosp", "--nme", "X")]
    [InlineData("tenat", "--tenant", "token", "--tenat", "hosp-a", "--roles", "Studies.Read")]
    public async Task An_unknown_or_misspelt_option_is_an_error_with_a_hint_and_changes_nothing(string option, string? suggestion, params string[] args)
    {
        var (exitCode, stdout, stderr) = await BuiltProgram.RunCliAsync([.. args, "--data-path", service.DataPath]);

        Assert.Equal(2, exitCode);
        Assert.Contains($"Unknown option '{option}'", stderr, StringComparison.Ordinal);
        Assert.Contains("--help", stderr, StringComparison.Ordinal);
        if (suggestion is not null)
        {
            Assert.Contains($"Did you mean {suggestion}?", stderr, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("x-hosp", File.ReadAllText(Path.Combine(service.DataPath, "tenants.json")), StringComparison.Ordinal);
        Assert.Equal("", stdout.Trim());
    }

    [Fact]
    public async Task An_audiogram_sent_as_plain_application_json_is_recognised_by_content()
    {
        using var client = service.Client(service.TokenB);
        var document = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json")).Replace("VNCH-000123", "VNCH-PLAIN-JSON", StringComparison.Ordinal);
        using var content = new StringContent(document);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/api/v1/studies", content);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var instance = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("instances")[0];
        Assert.Equal("accepted", instance.GetProperty("status").GetString());
        using var bundle = new StringContent(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.fhir.json")));
        bundle.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var fhir = await client.PostAsync("/api/v1/studies", bundle);
        Assert.Equal(HttpStatusCode.OK, fhir.StatusCode); // a FHIR Bundle as plain JSON: also recognised
        using var notJson = new StringContent("id,name\n1,x\n");
        notJson.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var rejected = await client.PostAsync("/api/v1/studies", notJson);
        Assert.Equal(HttpStatusCode.Conflict, rejected.StatusCode); // stored and refused with a reason, not 415
    }

    [Fact]
    public async Task Upload_then_studies_study_fhir_and_wait_show_the_results_and_exit_codes_tell_the_outcome()
    {
        using var folder = new TempDirectory("vnch-cli-small");
        var ecg = Path.Combine(folder.Path, "ECG0001");
        File.Copy(TestData.File("ecg/hl7-aecg/Example_aECG.xml"), ecg);
        File.WriteAllText(Path.Combine(folder.Path, "notes.txt"), "not a study");
        var journal = Path.Combine(folder.Path, "..", $"{Path.GetFileName(folder.Path)}.journal.jsonl");

        var (exitCode, report, stderr) = await CliProcess.RunJsonAsync(Timeout, ["upload", folder.Path, "--json", "--journal", journal, .. Server(service.TokenA)]);

        Assert.True(exitCode == 0, stderr);
        var files = report.GetProperty("files").EnumerateArray().ToList();
        var uploaded = files.Single(f => f.GetProperty("path").GetString() == ecg);
        Assert.Equal("accepted", uploaded.GetProperty("status").GetString());
        Assert.Equal("application/hl7-aecg+xml", uploaded.GetProperty("mediaType").GetString());
        Assert.Equal("skipped", files.Single(f => f.GetProperty("path").GetString()!.EndsWith("notes.txt", StringComparison.Ordinal)).GetProperty("status").GetString());
        var studyId = uploaded.GetProperty("studyId").GetString()!;

        var waited = await BuiltProgram.RunCliAsync(["wait", studyId, "--json", "--timeout", "00:01:30", .. Server(service.TokenA)]);
        Assert.True(waited.ExitCode == 0, waited.Stderr + waited.Stdout);
        Assert.Equal("completed", CliProcess.Parse(waited.Stdout, waited.Stderr).GetProperty("status").GetString());

        var listed = await BuiltProgram.RunCliAsync(["studies", "--kind", "ecg", "--all", "--page-size", "1", "--json", .. Server(service.TokenA)]);
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        Assert.Contains(CliProcess.Parse(listed.Stdout, listed.Stderr).GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetString() == studyId);
        var table = await BuiltProgram.RunCliAsync(["studies", "--kind", "ecg", .. Server(service.TokenA)]);
        Assert.Contains(studyId[..Math.Min(12, studyId.Length)], table.Stdout, StringComparison.Ordinal);

        var study = await BuiltProgram.RunCliAsync(["study", studyId, "--json", .. Server(service.TokenA)]);
        Assert.Equal("ecg", CliProcess.Parse(study.Stdout, study.Stderr).GetProperty("summary").GetProperty("kind").GetString());
        var fhir = await BuiltProgram.RunCliAsync(["fhir", studyId, "--json", .. Server(service.TokenA)]);
        Assert.Equal("Bundle", CliProcess.Parse(fhir.Stdout, fhir.Stderr).GetProperty("resourceType").GetString());
        var fhirTable = await BuiltProgram.RunCliAsync(["fhir", studyId, .. Server(service.TokenA)]);
        Assert.Contains("DiagnosticReport", fhirTable.Stdout, StringComparison.Ordinal);

        // Hospital B cannot see it: the same "not found" as a missing study, exit code 1.
        var other = await BuiltProgram.RunCliAsync(["study", studyId, .. Server(service.TokenB)]);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("404", other.Stderr, StringComparison.Ordinal);

        // A re-run sends nothing: the journal knows the server holds it.
        var again = await CliProcess.RunJsonAsync(Timeout, ["upload", ecg, "--json", "--journal", journal, .. Server(service.TokenA)]);
        Assert.Equal(0, again.ExitCode);
        Assert.True(again.Report.GetProperty("files")[0].GetProperty("fromJournal").GetBoolean());
        Assert.Equal(0, again.Report.GetProperty("summary").GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task Upload_with_a_token_the_server_refuses_fails_with_exit_code_1_and_sends_nothing_more()
    {
        using var folder = new TempDirectory("vnch-cli-denied");
        File.Copy(TestData.File("ecg/hl7-aecg/Example_aECG.xml"), Path.Combine(folder.Path, "ecg.xml"));
        var readOnly = await service.MintAsync(EmbeddedService.TenantA, "Studies.Read");

        var (exitCode, report, stderr) = await CliProcess.RunJsonAsync(Timeout, ["upload", folder.Path, "--json", "--journal", Path.Combine(folder.Path, "j.jsonl"), .. Server(readOnly)]);

        Assert.Equal(1, exitCode);
        Assert.Contains("403", stderr, StringComparison.Ordinal);
        Assert.Equal(1, report.GetProperty("summary").GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Server_and_token_are_required()
    {
        var (exitCode, _, stderr) = await BuiltProgram.RunCliAsync("studies");
        Assert.Equal(2, exitCode);
        Assert.Contains("--server", stderr, StringComparison.Ordinal);
    }
}
