using Xunit.Abstractions;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Inference.Analysers.Clinical;
using VNCH.Network.Signals;
using VNCH.Network.Testing;

namespace VNCH.Network.Inference.Tests.Analysers.Clinical;

public class ClinicalAnalyserTests(ITestOutputHelper output)
{
    private const string DicomEcg = "dicom/pydicom/src/pydicom/data/test_files/waveform_ecg.dcm";
    private const string Aecg = "ecg/hl7-aecg/Example_aECG.xml";
    private const string TwelveLeadSopClass = "1.2.840.10008.5.1.4.1.1.9.1.1";

    [Fact]
    public void Descriptors_IdentifyTheSignalsBuildBySha256()
    {
        var expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(typeof(SignalFormatException).Assembly.Location)));

        foreach (IAnalyser analyser in new IAnalyser[] { new EcgAnalyser(), new AudiometryAnalyser() })
        {
            Assert.Equal(AnalyserKind.Algorithm, analyser.Descriptor.Kind);
            Assert.Equal(expected, analyser.Descriptor.Sha256);
            Assert.Matches(@"^\d+\.\d+\.\d+$", analyser.Descriptor.Version);
        }
    }

    [Fact]
    public void AddClinicalAnalysers_RegistersBothOnce()
    {
        var services = new ServiceCollection().AddClinicalAnalysers().AddClinicalAnalysers();

        var analysers = services.Where(d => d.ServiceType == typeof(IAnalyser)).Select(d => d.ImplementationType).ToList();

        Assert.Equal([typeof(EcgAnalyser), typeof(AudiometryAnalyser)], analysers);
    }

    [Fact]
    public void Ecg_AppliesToEcgWaveformsAndAecgOnly()
    {
        var ecg = new EcgAnalyser();

        Assert.True(ecg.AppliesTo(Subject(StudyKind.Ecg, DicomInstance(DicomEcg, TwelveLeadSopClass))));
        Assert.True(ecg.AppliesTo(Subject(StudyKind.Ecg, DicomInstance(DicomEcg, "1.2.840.10008.5.1.4.1.1.9.1.2"))));
        Assert.True(ecg.AppliesTo(Subject(StudyKind.Ecg, FileInstance(Aecg, AecgDocumentParser.MediaType))));
        // Hemodynamic waveform: pressure channels, not ECG leads.
        Assert.False(ecg.AppliesTo(Subject(StudyKind.Ecg, DicomInstance(DicomEcg, "1.2.840.10008.5.1.4.1.1.9.2.1"))));
        Assert.False(ecg.AppliesTo(Subject(StudyKind.Imaging, DicomInstance(DicomEcg, "1.2.840.10008.5.1.4.1.1.1"))));
        Assert.False(ecg.AppliesTo(Subject(StudyKind.Audiogram, ExampleAudiogram())));
    }

    [Fact]
    public async Task Ecg_DicomWaveform_GivesRateAndIntervalsWithLoincCodes()
    {
        var result = await new EcgAnalyser().AnalyseAsync(Subject(StudyKind.Ecg, DicomInstance(DicomEcg, TwelveLeadSopClass), ageDays: 7 * 365), CancellationToken.None);
        Print(result);

        // Same tolerances as the Signals tests on this recording (device: PR 161, QRS 75, QT 368 ms; RR 982 ms).
        AssertQuantity(result, "8867-4", "/min", 60_000 / 992.0, 60_000 / 972.0);
        AssertQuantity(result, "8625-6", "ms", 146, 176);
        AssertQuantity(result, "8633-0", "ms", 65, 85);
        AssertQuantity(result, "8634-8", "ms", 353, 383);
        Assert.Equal("ms", Quantity(result, "76635-2").Unit);
        // A 7-year-old: the 6-8 years band (heart rate 60-130/min).
        var rate = result.Findings.Single(f => f.Code.Code == "8867-4");
        Assert.Equal(60m, rate.ReferenceRange!.Low);
        Assert.Equal(130m, rate.ReferenceRange.High);
        Assert.Contains("6-8 years", rate.ReferenceRange.Text);
        Assert.All(result.Findings, f => Assert.Equal("1.1", f.InputInstanceUid));
        Assert.Contains("Decision support", result.Conclusion);
    }

    [Fact]
    public async Task Ecg_Aecg_GivesIntervalsConsistentWithTheSignalsTests()
    {
        var result = await new EcgAnalyser().AnalyseAsync(Subject(StudyKind.Ecg, FileInstance(Aecg, AecgDocumentParser.MediaType)), CancellationToken.None);
        Print(result);

        // Signals tests: QRS 110-130, PR 133-163, QT 405-435 ms (document: 120, 148, 420).
        AssertQuantity(result, "8633-0", "ms", 110, 130);
        AssertQuantity(result, "8625-6", "ms", 133, 163);
        AssertQuantity(result, "8634-8", "ms", 405, 435);
        Assert.Contains(result.Findings, f => f.Code.Code == "8867-4" && f.Interpretation is not null);
    }

    [Fact]
    public async Task Ecg_UnreadableWaveform_IsRejectedNotRetried()
    {
        var garbage = new SubjectInstance("9.9", DicomDocumentParser.MediaType, new InstanceMetadata("ECG", SopClassUid: TwelveLeadSopClass),
            _ => Task.FromResult<Stream>(new MemoryStream(new byte[300])));

        var ex = await Assert.ThrowsAsync<AnalysisRejectedException>(() => new EcgAnalyser().AnalyseAsync(Subject(StudyKind.Ecg, garbage), CancellationToken.None));

        Assert.Equal("ecg-unreadable", ex.ReasonCode);
    }

    [Fact]
    public async Task Ecg_FlatRecording_IsRejectedAsUnusableSignal()
    {
        // The example aECG with every sample set to zero: readable, but no lead carries a cardiac signal.
        var xml = File.ReadAllText(TestData.File(Aecg));
        var flat = Regex.Replace(xml, "<digits>([^<]*)</digits>", m => "<digits>" + Regex.Replace(m.Groups[1].Value, "-?\\d+", "0") + "</digits>");
        Assert.NotEqual(xml, flat);
        var instance = new SubjectInstance("9.8", AecgDocumentParser.MediaType, new InstanceMetadata("ECG"),
            _ => Task.FromResult<Stream>(new MemoryStream(Encoding.UTF8.GetBytes(flat))));

        var ex = await Assert.ThrowsAsync<AnalysisRejectedException>(() => new EcgAnalyser().AnalyseAsync(Subject(StudyKind.Ecg, instance), CancellationToken.None));

        output.WriteLine(ex.Message);
        Assert.Equal("ecg-signal-unusable", ex.ReasonCode);
    }

    [Fact]
    public async Task Audiometry_WorkedExample_IsWhoNormalWithAConductiveRightEar()
    {
        var analyser = new AudiometryAnalyser();
        var subject = Subject(StudyKind.Audiogram, ExampleAudiogram());
        Assert.True(analyser.AppliesTo(subject));

        var result = await analyser.AnalyseAsync(subject, CancellationToken.None);
        Print(result);

        // docs/audiogram.md: right PTA 32.5 (conductive, type B), left 7.5 (type A); better ear left -> WHO normal.
        Assert.Equal(new QuantityValue(32.5m, "dB{HL}"), Quantity(result, "pta4-right"));
        Assert.Equal(new QuantityValue(7.5m, "dB{HL}"), Quantity(result, "pta4-left"));
        Assert.Equal("H", result.Findings.Single(f => f.Code.Code == "pta4-right").Interpretation!.Code);
        Assert.Equal("who-2021-normal", Coded(result, "who-hearing-grade").Code);
        Assert.Equal("44057004", Coded(result, "hearing-loss-type-right").Code);
        Assert.DoesNotContain(result.Findings, f => f.Code.Code == "hearing-loss-type-left");
        Assert.Equal("jerger-B", Coded(result, "tympanogram-type-right").Code);
        Assert.Equal("jerger-A", Coded(result, "tympanogram-type-left").Code);
        Assert.Equal("normal", result.Label);
        Assert.Null(result.ConclusionCode);
    }

    [Fact]
    public async Task Audiometry_TheFhirBundleForm_GivesTheSameFindingsAsTheJsonDocument()
    {
        var analyser = new AudiometryAnalyser();
        var bundle = Subject(StudyKind.Audiogram, ExampleAudiogram("audiogram.example.fhir.json", FhirAudiogramReader.MediaType));
        Assert.True(analyser.AppliesTo(bundle));

        var fromJson = await analyser.AnalyseAsync(Subject(StudyKind.Audiogram, ExampleAudiogram()), CancellationToken.None);
        var fromBundle = await analyser.AnalyseAsync(bundle, CancellationToken.None);

        Assert.Equal(fromJson.Findings, fromBundle.Findings);
        Assert.Equal(fromJson.Conclusion, fromBundle.Conclusion);
        Assert.Equal("44057004", Coded(fromBundle, "hearing-loss-type-right").Code);
    }

    [Theory]
    [InlineData(FhirAudiogramReader.MediaType, "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}", "Bundle: no Patient resource")]
    [InlineData(AudiogramDocumentParser.MediaType, "{\"schemaVersion\":\"1.0\"}", "patient")]
    public async Task Audiometry_InvalidInput_IsRejectedWithTheReadersMessage(string mediaType, string content, string expected)
    {
        var bad = new SubjectInstance("9.9", mediaType, new InstanceMetadata("AU"),
            _ => Task.FromResult<Stream>(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content))));

        var ex = await Assert.ThrowsAsync<AnalysisRejectedException>(() => new AudiometryAnalyser().AnalyseAsync(Subject(StudyKind.Audiogram, bad), CancellationToken.None));

        Assert.Equal("audiogram-invalid", ex.ReasonCode);
        Assert.Contains(expected, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    private void Print(AnalyserResult result)
    {
        foreach (var f in result.Findings)
        {
            output.WriteLine($"{f.Code.System}|{f.Code.Code} {f.Code.Display}: {f.Value} {f.Interpretation?.Code} {f.ReferenceRange}");
        }

        output.WriteLine(result.Conclusion);
    }

    private static QuantityValue Quantity(AnalyserResult result, string code) =>
        Assert.IsType<QuantityValue>(result.Findings.Single(f => f.Code.Code == code).Value);

    private static CodedConcept Coded(AnalyserResult result, string code) =>
        Assert.IsType<CodedValue>(result.Findings.Single(f => f.Code.Code == code).Value).Concept;

    private static void AssertQuantity(AnalyserResult result, string loinc, string unit, double low, double high)
    {
        var finding = result.Findings.Single(f => f.Code.Code == loinc);
        Assert.Equal(CodeSystems.Loinc, finding.Code.System);
        var value = Assert.IsType<QuantityValue>(finding.Value);
        Assert.Equal(unit, value.Unit);
        Assert.InRange((double)value.Value, low, high);
    }

    private static AnalysisSubject Subject(StudyKind kind, SubjectInstance instance, int? ageDays = null) =>
        new(kind, [instance], ageDays, AdministrativeSex.Unknown);

    private static SubjectInstance DicomInstance(string file, string sopClass) =>
        new("1.1", DicomDocumentParser.MediaType, new InstanceMetadata("ECG", SopClassUid: sopClass), Open(TestData.File(file)));

    private static SubjectInstance FileInstance(string file, string mediaType) =>
        new("1.1", mediaType, new InstanceMetadata("ECG"), Open(TestData.File(file)));

    private static SubjectInstance ExampleAudiogram(string file = "audiogram.example.json", string mediaType = AudiogramDocumentParser.MediaType) =>
        new("1.1", mediaType, new InstanceMetadata("AU"), Open(Path.Combine(TestData.RepositoryRoot, "docs", file)));

    private static Func<CancellationToken, Task<Stream>> Open(string path) => _ => Task.FromResult<Stream>(File.OpenRead(path));
}
