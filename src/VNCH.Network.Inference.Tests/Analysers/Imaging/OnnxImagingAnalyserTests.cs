using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Inference.Analysers.Imaging;
using VNCH.Network.Inference.Imaging;
using VNCH.Network.Testing;

namespace VNCH.Network.Inference.Tests.Analysers.Imaging;

public class OnnxImagingAnalyserTests(CommittedModel committed) : IClassFixture<CommittedModel>
{
    private const string Bacterial = "dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm";
    private const string Normal = "dicom/derived_pediatric_cxr/peds_cxr_normal_NORMAL2-IM-0092-0001_jpegbaseline.dcm";
    private const string CrSopClass = "1.2.840.10008.5.1.4.1.1.1";

    [Fact]
    public void Descriptor_CarriesTheManifestIdentity()
    {
        var analyser = new OnnxImagingAnalyser(committed.Model);

        Assert.Equal(CommittedModel.Id, analyser.Descriptor.Id);
        Assert.Equal(committed.Model.Manifest.Sha256, analyser.Descriptor.Sha256);
        Assert.Equal(AnalyserKind.Model, analyser.Descriptor.Kind);
    }

    [Fact]
    public void AppliesTo_FollowsTheManifest()
    {
        var analyser = new OnnxImagingAnalyser(committed.Model);

        Assert.True(analyser.AppliesTo(Subject(StudyKind.Imaging, Instance("1", Bacterial, "CR", "CHEST", "AP"))));
        Assert.False(analyser.AppliesTo(Subject(StudyKind.Imaging, Instance("1", Bacterial, "CT", "CHEST", "AP"))));
        Assert.False(analyser.AppliesTo(Subject(StudyKind.Imaging, Instance("1", Bacterial, "CR", "CHEST", "LL"))));
        Assert.False(analyser.AppliesTo(Subject(StudyKind.Ecg, Instance("1", Bacterial, "CR", "CHEST", "AP"))));
    }

    [Fact]
    public async Task AnalyseAsync_ReportsTheMostSuspiciousApplicableView()
    {
        var analyser = new OnnxImagingAnalyser(committed.Model);
        var subject = Subject(
            StudyKind.Imaging,
            Instance("1.1", Normal, "CR", "CHEST", "AP"),
            Instance("1.2", Bacterial, "CR", "CHEST", "AP"),
            Instance("1.3", Bacterial, "CR", "CHEST", "LL"));

        var result = await analyser.AnalyseAsync(subject, CancellationToken.None);

        // Expected values come from the model run directly on each file (DicomImageInput → Classify), the manifest's
        // default threshold and its label codes, not from the result under test. The model's answers are not
        // asserted (see PediatricChestXrayDicomTests): whichever view scores higher must be the one reported.
        var manifest = committed.Model.Manifest;
        var direct = new Dictionary<string, double>
        {
            ["1.1"] = DirectScore(Normal),
            ["1.2"] = DirectScore(Bacterial),
        };
        var (expectedInstance, expectedScore) = direct.MaxBy(d => d.Value);
        var expectedLabel = expectedScore >= manifest.DefaultThreshold.Value ? manifest.Labels[1] : manifest.Labels[0];

        // Two applicable views, two findings; the lateral one is skipped.
        Assert.Equal(["1.1", "1.2"], result.Findings.Select(f => f.InputInstanceUid));
        Assert.All(result.Findings, f => Assert.Equal("233604007", f.Code.Code));
        Assert.All(result.Findings, f => Assert.Equal(direct[f.InputInstanceUid!], ((ScoreValue)f.Value!).Value, 6));
        Assert.Equal(expectedInstance, result.InputInstanceUid);
        Assert.Equal(expectedScore, result.Scores["pneumonia"], 6);
        Assert.Equal(manifest.DefaultThreshold.Value, result.Threshold);
        Assert.Equal(expectedLabel, result.Label);
        Assert.Equal(manifest.LabelCodes[expectedLabel].Code, result.ConclusionCode!.Code);
        Assert.Contains("Decision support", result.Conclusion);
    }

    [Fact]
    public async Task AnalyseAsync_UndecodableInstance_IsRejectedNotRetried()
    {
        var analyser = new OnnxImagingAnalyser(committed.Model);
        var garbage = new SubjectInstance(
            "9.9", "application/dicom", new InstanceMetadata("CR", "CHEST", "AP", CrSopClass),
            _ => Task.FromResult<Stream>(new MemoryStream(new byte[300])));

        var ex = await Assert.ThrowsAsync<AnalysisRejectedException>(
            () => analyser.AnalyseAsync(Subject(StudyKind.Imaging, garbage), CancellationToken.None));

        Assert.Equal("pixel-data-undecodable", ex.ReasonCode);
    }

    private double DirectScore(string file)
    {
        using var input = DicomImageInput.ReadFile(TestData.File(file));
        return committed.Model.Classify(input.Gray8, input.Width, input.Height, input.SopInstanceUid).Scores["pneumonia"];
    }

    private static AnalysisSubject Subject(StudyKind kind, params SubjectInstance[] instances) =>
        new(kind, instances, patientAgeInDays: 3 * 365, AdministrativeSex.Unknown);

    private static SubjectInstance Instance(string uid, string file, string modality, string bodyPart, string view)
    {
        var path = TestData.File(file);
        return new SubjectInstance(
            uid,
            "application/dicom",
            new InstanceMetadata(modality, bodyPart, view, CrSopClass),
            _ => Task.FromResult<Stream>(File.OpenRead(path)));
    }
}
