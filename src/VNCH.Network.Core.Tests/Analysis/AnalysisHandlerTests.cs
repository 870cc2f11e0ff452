using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Analysis;

public sealed class AnalysisHandlerTests
{
    private static readonly string Cxr = TestData.File("dicom/derived_pediatric_cxr/peds_cxr_normal_NORMAL2-IM-0092-0001_jpegbaseline.dcm");
    private static readonly string Ct = TestData.File("dicom/dicomParser/testImages/CT1_UNC.explicit_little_endian.dcm");

    [Fact]
    public async Task Without_an_applicable_analyser_the_study_ends_no_analyser_with_no_findings()
    {
        var analyser = new FakeAnalyser();
        var pipeline = new Pipeline(analyser);
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Ct);
        await pipeline.DrainAsync();

        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.NoAnalyser, study.Status);
        Assert.Equal("no-analyser", study.Reason!.Code);
        Assert.Empty(study.Analyses);
        Assert.Equal(0, analyser.Calls);
        var records = await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, study.Id, CancellationToken.None);
        Assert.Equal(["Patient", "ImagingStudy"], records.Select(r => r.ResourceType));
    }

    [Fact]
    public async Task An_applicable_analyser_completes_the_study_with_its_result_and_records()
    {
        var analyser = new FakeAnalyser();
        var pipeline = new Pipeline(analyser);
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        await pipeline.DrainAsync();

        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Completed, study.Status);
        Assert.All(new[] { StudyStatus.Received, StudyStatus.Queued, StudyStatus.Analysing, StudyStatus.Completed }, s => Assert.True(study.StatusTimes.ContainsKey(s)));
        var analysis = Assert.Single(study.Analyses);
        Assert.Equal("fake-cxr", analysis.Analyser.Id);
        Assert.Equal(0.91, analysis.Result.Scores["pneumonia"]);

        var subject = Assert.Single(analyser.Subjects);
        Assert.Equal("CR", subject.Modality);
        await using var stream = await subject.Instances[0].OpenAsync(CancellationToken.None);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(File.ReadAllBytes(Cxr), copy.ToArray());

        var types = (await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, study.Id, CancellationToken.None)).Select(r => r.ResourceType);
        Assert.Equal(["Patient", "ImagingStudy", "Device", "DiagnosticReport", "Observation", "Provenance"], types);
        Assert.Equal(StudyStatus.Completed, Assert.Single(pipeline.Events.Events).Status);
    }

    [Fact]
    public async Task A_study_reopened_while_analysing_is_finished_by_the_next_delivery_not_by_the_one_that_lost_the_race()
    {
        Pipeline? pipeline = null;
        string? studyId = null;
        var reopened = false;
        var analyser = new FakeAnalyser(_ =>
        {
            if (!reopened)
            {
                reopened = true;
                // Ingestion re-opens the study with a new document while the worker analyses it, and queues it again.
                pipeline!.Studies.UpdateAsync(Pipeline.TenantA, studyId!, s =>
                {
                    s!.Receive(pipeline.Time.GetUtcNow());
                    s.MarkQueued(pipeline.Time.GetUtcNow());
                    return s;
                }, CancellationToken.None).GetAwaiter().GetResult();
                pipeline.Queue.EnqueueAsync(new Features.Work.AnalyseStudy(Pipeline.TenantA, studyId!), CancellationToken.None).GetAwaiter().GetResult();
            }

            return new AnalyserResult { Label = "normal" };
        });
        pipeline = new Pipeline(analyser);
        studyId = (await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr)).StudyId;

        Assert.Equal(2, await pipeline.DrainAsync());

        // The first delivery's finish conflicted and wrote nothing of its own; the second finished the study once.
        Assert.Equal(2, analyser.Calls);
        Assert.Equal(StudyStatus.Completed, (await pipeline.Studies.GetAsync(Pipeline.TenantA, studyId!, CancellationToken.None))!.Status);
        Assert.Equal(StudyStatus.Completed, Assert.Single(pipeline.Events.Events).Status);
        Assert.Single(await pipeline.Audit.ReadAsync(Pipeline.TenantA, null, 100, CancellationToken.None), r => r.Action == "study.analyse");
    }

    [Fact]
    public async Task A_second_delivery_of_a_finished_item_does_nothing()
    {
        var analyser = new FakeAnalyser();
        var pipeline = new Pipeline(analyser);
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        await pipeline.DrainAsync();
        await pipeline.Queue.EnqueueAsync(new Features.Work.AnalyseStudy(Pipeline.TenantA, outcome.StudyId!), CancellationToken.None);
        await pipeline.DrainAsync();

        Assert.Equal(1, analyser.Calls);
        Assert.Equal(1, pipeline.Records.ReplaceCount);
    }

    [Fact]
    public async Task Reprocessing_after_a_new_instance_replaces_records_with_the_same_ids()
    {
        var pipeline = new Pipeline(new FakeAnalyser(appliesTo: _ => true));
        var first = await pipeline.IngestFileAsync(Pipeline.TenantA, Ct);
        await pipeline.DrainAsync();
        var before = (await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, first.StudyId!, CancellationToken.None)).Select(r => r.Id).ToList();

        // Re-open and re-run the study (as a new instance or a replayed message would): same ids, no additions.
        await pipeline.Queue.EnqueueAsync(new Features.Work.AnalyseStudy(Pipeline.TenantA, first.StudyId!), CancellationToken.None);
        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, first.StudyId!, CancellationToken.None))!;
        study.Receive(pipeline.Time.GetUtcNow());
        study.MarkQueued(pipeline.Time.GetUtcNow());
        await pipeline.Studies.SaveAsync(study, CancellationToken.None);
        await pipeline.DrainAsync();

        var after = (await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, first.StudyId!, CancellationToken.None)).Select(r => r.Id).ToList();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Transient_failures_are_retried_then_the_study_fails_with_the_reason()
    {
        var analyser = new FakeAnalyser(_ => throw new TimeoutException("model host unavailable"));
        var pipeline = new Pipeline(analyser);
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        var deliveries = await pipeline.DrainAsync();

        Assert.Equal(3, deliveries);
        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Failed, study.Status);
        // The analyser's own message stays in the log; the study says what happened and where to look (issue 13 item 11).
        Assert.Equal($"Failed on attempt 3 of 3: The analysis failed unexpectedly (correlation id analyse:{outcome.StudyId}:3).", study.Reason!.Message);
        Assert.Equal(3, analyser.Calls);
        // Core poisoned the item with the same reason, and the failure went out as a result event.
        var poisoned = Assert.Single(pipeline.Queue.Poisoned);
        Assert.Equal(outcome.StudyId, poisoned.Item.StudyId);
        Assert.Equal(study.Reason.Message, poisoned.Reason);
        Assert.Equal(StudyStatus.Failed, Assert.Single(pipeline.Events.Events).Status);
    }

    [Fact]
    public async Task A_failure_that_clears_is_retried_and_the_study_completes()
    {
        var failures = 1;
        var analyser = new FakeAnalyser(_ => failures-- > 0 ? throw new IOException("model file busy") : new AnalyserResult { Label = "normal" });
        var pipeline = new Pipeline(analyser);
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        Assert.Equal(2, await pipeline.DrainAsync());

        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Completed, study.Status);
        Assert.Empty(pipeline.Queue.Poisoned);
        Assert.True(Assert.Single(study.Analyses).Result.Duration > TimeSpan.Zero);
    }

    [Fact]
    public async Task An_item_poisoned_by_the_host_marks_the_study_failed_once()
    {
        var pipeline = new Pipeline(new FakeAnalyser());
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        var item = new Features.Work.AnalyseStudy(Pipeline.TenantA, outcome.StudyId!);

        await pipeline.Analysis.MarkFailedAsync(item, "worker died on every delivery", CancellationToken.None);
        await pipeline.Analysis.MarkFailedAsync(item, "a second copy of the poison message", CancellationToken.None);

        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Failed, study.Status);
        Assert.Equal("worker died on every delivery", study.Reason!.Message);
        Assert.Single(pipeline.Events.Events);
    }

    [Fact]
    public async Task An_analyser_rejecting_the_input_rejects_the_study_without_retrying()
    {
        var analyser = new FakeAnalyser(_ => throw new AnalysisRejectedException("pixel-data-undecodable", "JPEG stream truncated"));
        var pipeline = new Pipeline(analyser);
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        await pipeline.DrainAsync();

        var study = (await pipeline.Studies.GetAsync(Pipeline.TenantA, outcome.StudyId!, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Rejected, study.Status);
        Assert.Equal("pixel-data-undecodable", study.Reason!.Code);
        Assert.Equal(1, analyser.Calls);
    }
}
