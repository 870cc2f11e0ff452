using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Model;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;
using Xunit.Abstractions;
using Task = System.Threading.Tasks.Task;

namespace VNCH.Network.EndToEnd.Tests;

/// <summary>
/// The embedded server with its analysers: four chest X-rays, two ECGs and an audiogram, uploaded once by hospital A;
/// hospital B sends the same audiogram as a FHIR Bundle (for A it would be a conflicting re-send of the same visit).
/// </summary>
public sealed class ClinicalStudies : EmbeddedService
{
    public static readonly string[] ChestXrays = Directory.GetFiles(Path.Combine(TestData.Root, "dicom", "derived_pediatric_cxr"), "*.dcm").Order(StringComparer.Ordinal).ToArray();

    public static readonly (string Name, string Path, string MediaType)[] Signals =
    [
        ("dicom-ecg", TestData.File("dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm"), "application/dicom"),
        ("aecg", TestData.File("ecg/hl7-aecg/Example_aECG.xml"), "application/hl7-aecg+xml"),
        ("audiogram", Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"), "application/vnd.vnch.audiogram+json"),
        ("audiogram-fhir", Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.fhir.json"), "application/fhir+json"),
    ];

    public static string FhirAudiogram { get; } = Signals.Single(s => s.Name == "audiogram-fhir").Path;

    /// <summary>Study id by uploaded file.</summary>
    public Dictionary<string, string> StudyIds { get; } = [];

    public List<JsonElement> Studies { get; private set; } = [];

    /// <summary>The token of the hospital that uploaded a file.</summary>
    public string TokenFor(string path) => path == FhirAudiogram ? TokenB : TokenA;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var (path, mediaType) in ChestXrays.Select(p => (p, "application/dicom")).Concat(Signals.Select(s => (s.Path, s.MediaType))))
        {
            using var client = Client(TokenFor(path));
            using var content = new StreamContent(File.OpenRead(path));
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            using var response = await client.PostAsync("/api/v1/studies", content);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{Path.GetFileName(path)}: {response.StatusCode} {body}");
            StudyIds[path] = body.GetProperty("studies")[0].GetProperty("location").GetString()!.Split('/')[^1];
        }

        using var a = Client(TokenA);
        using var b = Client(TokenB);
        Studies = [.. await WaitForFinalAsync(a, StudyIds.Count - 1, TimeSpan.FromMinutes(3)), .. await WaitForFinalAsync(b, 1, TimeSpan.FromMinutes(1))];
    }
}

public sealed class ClinicalAnalysersTests(ClinicalStudies service, ITestOutputHelper output) : IClassFixture<ClinicalStudies>
{
    public static TheoryData<string> AllFiles() => new(ClinicalStudies.ChestXrays.Concat(ClinicalStudies.Signals.Select(s => s.Path)));

    [Theory]
    [MemberData(nameof(AllFiles))]
    public async Task Each_study_completes_with_a_valid_preliminary_report_and_an_identified_device(string file)
    {
        var bundle = await CompletedBundleAsync(file);

        var report = bundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>().Single();
        Assert.Equal(DiagnosticReport.DiagnosticReportStatus.Preliminary, report.Status);
        var device = bundle.Entry.Select(e => e.Resource).OfType<Device>().Single();
        Assert.Contains(device.Version, v => v.Type?.Text == "version" && !string.IsNullOrEmpty(v.Value));
        Assert.Contains(device.Version, v => v.Type?.Text == "sha256" && System.Text.RegularExpressions.Regex.IsMatch(v.Value ?? "", "^[0-9a-f]{64}$"));
        Assert.NotEmpty(bundle.Entry.Select(e => e.Resource).OfType<Observation>());
        output.WriteLine($"{Path.GetFileName(file)}: {report.Conclusion}");
    }

    [Fact]
    public async Task Ecg_studies_carry_loinc_rate_and_interval_observations()
    {
        foreach (var (_, path, _) in ClinicalStudies.Signals.Where(s => !s.Name.StartsWith("audiogram", StringComparison.Ordinal)))
        {
            var codes = Codes(await CompletedBundleAsync(path));
            Assert.Superset(new HashSet<string> { "http://loinc.org|8867-4", "http://loinc.org|8625-6", "http://loinc.org|8633-0", "http://loinc.org|8634-8", "http://loinc.org|76635-2", "http://loinc.org|76634-5" }, codes);
        }
    }

    [Fact]
    public async Task The_audiogram_carries_pta_per_ear_and_the_who_grade()
    {
        var bundle = await CompletedBundleAsync(ClinicalStudies.Signals.Single(s => s.Name == "audiogram").Path);

        var observations = bundle.Entry.Select(e => e.Resource).OfType<Observation>().ToList();
        var right = observations.Single(o => o.Code.Coding[0].Code == "pta4-right");
        var pta = Assert.IsType<Quantity>(right.Value);
        Assert.Equal(32.5m, pta.Value);
        Assert.Equal("dB{HL}", pta.Code);
        var grade = observations.Single(o => o.Code.Coding[0].Code == "who-hearing-grade");
        Assert.Equal("who-2021-normal", Assert.IsType<CodeableConcept>(grade.Value).Coding[0].Code);
    }

    [Fact]
    public async Task The_audiogram_sent_as_a_fhir_bundle_gets_the_same_findings_as_its_json_form()
    {
        var fromJson = await CompletedBundleAsync(ClinicalStudies.Signals.Single(s => s.Name == "audiogram").Path);
        var fromBundle = await CompletedBundleAsync(ClinicalStudies.FhirAudiogram);

        Assert.Equal(Findings(fromJson), Findings(fromBundle));
        Assert.Contains("pta4-right=32.5", Findings(fromBundle));
        Assert.Equal(
            fromJson.Entry.Select(e => e.Resource).OfType<DiagnosticReport>().Single().Conclusion,
            fromBundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>().Single().Conclusion);
    }

    [Fact]
    public async Task Chest_xrays_get_the_pneumonia_model_score()
    {
        foreach (var file in ClinicalStudies.ChestXrays)
        {
            var bundle = await CompletedBundleAsync(file);
            Assert.Contains("http://snomed.info/sct|233604007", Codes(bundle));
            var report = bundle.Entry.Select(e => e.Resource).OfType<DiagnosticReport>().Single();
            // Reported, not asserted: the clinical label is the model's, not the test's.
            output.WriteLine($"{Path.GetFileName(file)} -> {report.Conclusion}");
        }
    }

    private async Task<Bundle> CompletedBundleAsync(string file)
    {
        var id = service.StudyIds[file];
        var study = service.Studies.Single(s => s.GetProperty("id").GetString() == id);
        Assert.True(study.GetProperty("status").GetString() == "completed", $"{Path.GetFileName(file)}: {study}");
        using var client = service.Client(service.TokenFor(file));
        using var response = await client.GetAsync($"/api/v1/studies/{id}/fhir");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadAsStringAsync();
        Assert.Empty(R4Validation.Errors(json));
        return FhirJson.Parse<Bundle>(json);
    }

    /// <summary>Each Observation as code=value, sorted, for comparing two results.</summary>
    private static List<string> Findings(Bundle bundle) =>
        bundle.Entry.Select(e => e.Resource).OfType<Observation>()
            .Select(o => $"{o.Code.Coding[0].Code}={o.Value switch { Quantity q => q.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture), CodeableConcept c => c.Coding[0].Code, var v => v?.ToString() }}")
            .Order(StringComparer.Ordinal)
            .ToList();

    private static HashSet<string> Codes(Bundle bundle) =>
        bundle.Entry.Select(e => e.Resource).OfType<Observation>().SelectMany(o => o.Code.Coding).Select(c => $"{c.System}|{c.Code}").ToHashSet();
}
