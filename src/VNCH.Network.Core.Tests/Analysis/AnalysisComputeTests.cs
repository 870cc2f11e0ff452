using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Analysis;

/// <summary>
/// Issue 12, ADR 0122: analysers run on threads of their own at a lower scheduling priority, so uploads and reads on
/// the same node come first; a blocked analysis thread never stalls the work behind it.
/// </summary>
public sealed class AnalysisComputeTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30); // the test's own bound: a stall fails, never hangs the run

    [Fact]
    public async Task Work_and_every_continuation_it_awaits_run_on_the_analysis_threads_at_the_configured_nice_value()
    {
        using var compute = new AnalysisCompute(Options.Create(new AnalysisOptions { ComputeThreads = 2, ComputeNice = 12 }));
        var expected = Math.Max(12, ThreadPriorities.CurrentNice());

        var seen = await compute.RunAsync(async () =>
        {
            var before = (Thread.CurrentThread.Name, ThreadPriorities.CurrentNice());
            await Task.Delay(20); // completes on a timer thread: the continuation must come back to ours
            var afterDelay = (Thread.CurrentThread.Name, ThreadPriorities.CurrentNice());
            await Task.Yield();
            var afterYield = (Thread.CurrentThread.Name, ThreadPriorities.CurrentNice());
            return new[] { before, afterDelay, afterYield };
        }).WaitAsync(Bound);

        Assert.All(seen, s => Assert.Equal(("analysis", expected), s));
        Assert.NotEqual("analysis", Thread.CurrentThread.Name); // the caller's thread was never lowered
    }

    [Fact]
    public async Task Nice_zero_leaves_the_threads_at_the_process_priority()
    {
        using var compute = new AnalysisCompute(Options.Create(new AnalysisOptions { ComputeThreads = 1, ComputeNice = 0 }));
        var processNice = ThreadPriorities.CurrentNice();

        Assert.Equal(processNice, await compute.RunAsync(() => Task.FromResult(ThreadPriorities.CurrentNice())).WaitAsync(Bound));
    }

    [Fact]
    public async Task A_thread_blocked_by_an_analyser_does_not_stall_the_work_queued_behind_it()
    {
        using var compute = new AnalysisCompute(Options.Create(new AnalysisOptions { ComputeThreads = 1 }));
        using var release = new ManualResetEventSlim();
        var blocked = compute.RunAsync(() =>
        {
            release.Wait(Bound); // an analyser that blocks its thread and ignores its token
            return Task.FromResult(1);
        });

        var behind = await compute.RunAsync(() => Task.FromResult(2)).WaitAsync(Bound);

        Assert.Equal(2, behind);
        Assert.False(blocked.IsCompleted);
        Assert.Equal(2, compute.ThreadCount); // one thread added because the only one was blocked with work waiting
        release.Set();
        Assert.Equal(1, await blocked.WaitAsync(Bound));
    }

    [Fact]
    public async Task An_analyser_failure_reaches_the_caller_as_it_was_thrown()
    {
        using var compute = new AnalysisCompute(Options.Create(new AnalysisOptions { ComputeThreads = 1 }));

        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() => compute.RunAsync<int>(async () =>
        {
            await Task.Yield();
            throw new InvalidDataException("not a chest X-ray");
        }).WaitAsync(Bound));

        Assert.Equal("not a chest X-ray", thrown.Message);
    }

    [Fact]
    public async Task The_analysis_stage_runs_each_analyser_on_an_analysis_thread()
    {
        string? threadName = null;
        var analyser = new FakeAnalyser(_ =>
        {
            threadName = Thread.CurrentThread.Name;
            return new AnalyserResult { Label = "normal", Scores = new Dictionary<string, double> { ["normal"] = 0.9 } };
        }, s => s.Kind == StudyKind.Imaging);
        var pipeline = new Pipeline(analyser);

        var ingested = await pipeline.IngestFileAsync(Pipeline.TenantA, TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm"));
        await pipeline.DrainAsync().WaitAsync(Bound);

        Assert.Equal(StudyStatus.Completed, (await pipeline.Studies.GetAsync(Pipeline.TenantA, ingested.StudyId!, CancellationToken.None))!.Status);
        Assert.Equal("analysis", threadName);
    }
}
