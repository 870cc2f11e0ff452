using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Core.Tests.Security;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Analysis;

/// <summary>
/// Issue 13, faults: an analyser that throws, hangs past its timeout or returns NaN ends its study failed with a
/// reason that says so, and the worker goes on to the next study (a healthy analyser on an ECG beside it).
/// </summary>
public sealed class FaultyAnalyserTests
{
    private static readonly string Cxr = TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm");
    private static readonly string Ecg = TestData.File("ecg/hl7-aecg/Example_aECG.xml");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60); // the test's own bound: a hang fails, never blocks the run

    [Fact]
    public async Task An_analyser_that_throws_fails_its_study_after_the_retries_with_the_reason_and_the_worker_goes_on()
    {
        // Issue 13 item 11 for analysis: the study (read by clinicians, sent in result events) gets a generic reason
        // with the correlation id; the exception's type stays in the log beside that id, its message nowhere.
        var logs = new CapturingLoggerProvider();
        var faulty = new FakeAnalyser(_ => throw new InvalidOperationException("cannot read /srv/data/hosp-a/MRN-4711.dcm (born 2019-03-04)"), s => s.Kind == StudyKind.Imaging);
        var (pipeline, broken, healthy) = await RunAsync(new Pipeline(new AnalysisOptions(), logs.For<AnalysisHandler>(), faulty, Healthy()));

        Assert.Equal(StudyStatus.Failed, broken.Status);
        Assert.Equal(IngestReasons.ProcessingFailure, broken.Reason!.Code);
        Assert.Equal($"Failed on attempt 3 of 3: The analysis failed unexpectedly (correlation id analyse:{broken.Id}:3).", broken.Reason.Message);
        var (_, poisonReason) = Assert.Single(pipeline.Queue.Poisoned);
        Assert.DoesNotContain("MRN-4711", poisonReason, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), poisonReason, StringComparison.Ordinal);
        Assert.Contains(logs.Lines, l => l.Contains($"analyse:{broken.Id}:3", StringComparison.Ordinal) && l.Contains("System.InvalidOperationException", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("MRN-4711", StringComparison.Ordinal) || l.Contains("2019-03-04", StringComparison.Ordinal));
        Assert.Equal(3, faulty.Calls); // Pipeline's MaxAttempts
        Assert.Equal(StudyStatus.Completed, healthy.Status);
        Assert.Equal(0, pipeline.Queue.Pending);
    }

    [Fact]
    public async Task An_analyser_that_hangs_and_ignores_cancellation_is_cut_at_its_timeout_and_its_study_fails_with_that_reason()
    {
        var hanging = new HangingAnalyser();
        var (_, broken, healthy) = await RunAsync(new Pipeline(new AnalysisOptions { AnalyserTimeout = TimeSpan.FromMilliseconds(300) }, hanging, Healthy()));

        Assert.Equal(StudyStatus.Failed, broken.Status);
        Assert.Contains("did not finish within 00:00:00.3", broken.Reason!.Message, StringComparison.Ordinal);
        Assert.Contains(hanging.Descriptor.Id, broken.Reason.Message, StringComparison.Ordinal);
        Assert.Equal(StudyStatus.Completed, healthy.Status);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public async Task An_analyser_that_returns_a_non_finite_number_fails_its_study_at_once_with_that_reason(double value, string shown)
    {
        var nan = new FakeAnalyser(_ => new AnalyserResult { Scores = new Dictionary<string, double> { ["pneumonia"] = value }, Label = "pneumonia" }, s => s.Kind == StudyKind.Imaging);
        var (_, broken, healthy) = await RunAsync(new Pipeline(nan, Healthy()));

        Assert.Equal(StudyStatus.Failed, broken.Status);
        Assert.Equal(IngestReasons.InvalidAnalyserResult, broken.Reason!.Code);
        Assert.Contains($"score 'pneumonia' is {shown}", broken.Reason.Message, StringComparison.Ordinal);
        Assert.Equal(1, nan.Calls); // the same input gives the same NaN: no retry
        Assert.Equal(StudyStatus.Completed, healthy.Status);
    }

    [Fact]
    public async Task A_non_finite_score_inside_a_finding_is_refused_too()
    {
        var nan = new FakeAnalyser(_ => new AnalyserResult
        {
            Findings = [new Finding { Code = new CodedConcept(CodeSystems.SnomedCt, "233604007", "Pneumonia"), Value = new ScoreValue(double.NaN) }],
        }, s => s.Kind == StudyKind.Imaging);
        var (_, broken, _) = await RunAsync(new Pipeline(nan, Healthy()));

        Assert.Equal(IngestReasons.InvalidAnalyserResult, broken.Reason!.Code);
    }

    private static FakeAnalyser Healthy() => new(appliesTo: s => s.Kind == StudyKind.Ecg, id: "fake-ecg");

    private static async Task<(Pipeline Pipeline, Study Broken, Study Healthy)> RunAsync(Pipeline pipeline)
    {
        var broken = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        var healthy = await pipeline.IngestFileAsync(Pipeline.TenantA, Ecg, null);
        await pipeline.DrainAsync().WaitAsync(Bound);
        return (pipeline, (await pipeline.Studies.GetAsync(Pipeline.TenantA, broken.StudyId!, CancellationToken.None))!,
            (await pipeline.Studies.GetAsync(Pipeline.TenantA, healthy.StudyId!, CancellationToken.None))!);
    }

    /// <summary>Never finishes and never looks at its cancellation token.</summary>
    private sealed class HangingAnalyser : IAnalyser
    {
        public AnalyserDescriptor Descriptor { get; } = new("hangs-forever", "0.0.1", AnalyserKind.Algorithm, new string('d', 64));

        public bool AppliesTo(AnalysisSubject subject) => subject.Kind == StudyKind.Imaging;

        public Task<AnalyserResult> AnalyseAsync(AnalysisSubject subject, CancellationToken cancellationToken) =>
            new TaskCompletionSource<AnalyserResult>().Task;
    }
}
