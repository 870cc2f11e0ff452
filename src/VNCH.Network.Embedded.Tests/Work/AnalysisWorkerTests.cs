using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Tests.Contracts;
using VNCH.Network.Embedded.Work;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Work;

/// <summary>The embedded queue trigger end to end: it acknowledges what the analysis handler decides, nothing more.</summary>
public sealed class AnalysisWorkerTests : SqliteFixture
{
    private static readonly TenantId Tenant = TenantId.Parse("hosp-a");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_failing_analysis_is_released_with_backoff_then_poisoned_with_the_reason_and_the_study_failed()
    {
        var analyser = new ScriptedAnalyser(() => throw new InvalidOperationException("model crashed"));
        await using var services = Services(analyser, maxAttempts: 3);
        var studyId = await IngestAsync(services);
        var worker = services.GetRequiredService<AnalysisWorker>();
        var queue = services.GetRequiredService<SqliteWorkQueue>();

        Assert.True(await worker.ProcessNextAsync(CancellationToken.None));
        Assert.False(await worker.ProcessNextAsync(CancellationToken.None)); // released with a 1 s backoff: not visible yet
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await worker.ProcessNextAsync(CancellationToken.None));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(await worker.ProcessNextAsync(CancellationToken.None)); // the second backoff is 2 s
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await worker.ProcessNextAsync(CancellationToken.None));

        Assert.Equal(3, analyser.Calls);
        Assert.Equal(0, await queue.CountPendingAsync(CancellationToken.None));
        var poisoned = Assert.Single(await queue.ListPoisonAsync(CancellationToken.None));
        Assert.Equal(studyId, poisoned.Item.StudyId);
        Assert.Equal(3, poisoned.DequeueCount);
        Assert.Equal($"Failed on attempt 3 of 3: The analysis failed unexpectedly (correlation id analyse:{studyId}:3).", poisoned.Reason); // the exception stays in the log
        var study = (await services.GetRequiredService<IStudyStore>().GetAsync(Tenant, studyId, CancellationToken.None))!;
        Assert.Equal(StudyStatus.Failed, study.Status);
        Assert.Equal(poisoned.Reason, study.Reason!.Message);
    }

    [Fact]
    public async Task A_successful_analysis_completes_the_message_and_the_study()
    {
        var analyser = new ScriptedAnalyser(() => new AnalyserResult { Label = "normal" });
        await using var services = Services(analyser, maxAttempts: 3);
        var studyId = await IngestAsync(services);
        var queue = services.GetRequiredService<SqliteWorkQueue>();

        Assert.True(await services.GetRequiredService<AnalysisWorker>().ProcessNextAsync(CancellationToken.None));

        Assert.Equal(0, await queue.CountPendingAsync(CancellationToken.None));
        Assert.Empty(await queue.ListPoisonAsync(CancellationToken.None));
        Assert.Equal(StudyStatus.Completed, (await services.GetRequiredService<IStudyStore>().GetAsync(Tenant, studyId, CancellationToken.None))!.Status);
    }

    private ServiceProvider Services(IAnalyser analyser, int maxAttempts)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analysis:MaxAttempts"] = maxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(analyser);
        services.AddVnchCore(configuration).AddVnchEmbeddedStorage(o => o.DataPath = Folder.Root);
        services.AddSingleton<AnalysisWorker>();
        return services.BuildServiceProvider();
    }

    private static async Task<string> IngestAsync(ServiceProvider services)
    {
        await using var content = File.OpenRead(TestData.File("dicom/derived_pediatric_cxr/peds_cxr_normal_NORMAL2-IM-0092-0001_jpegbaseline.dcm"));
        var outcome = await services.GetRequiredService<IngestionHandler>().IngestAsync(
            new IngestRequest(Tenant, content, MediaTypes.Dicom, "http", "tester", "corr-1"), CancellationToken.None);
        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        return outcome.StudyId!;
    }

    private sealed class ScriptedAnalyser(Func<AnalyserResult> run) : IAnalyser
    {
        public int Calls { get; private set; }

        public AnalyserDescriptor Descriptor { get; } = new("scripted", "1.0.0", AnalyserKind.Algorithm, new string('d', 64));

        public bool AppliesTo(AnalysisSubject subject) => true;

        public Task<AnalyserResult> AnalyseAsync(AnalysisSubject subject, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(run());
        }
    }
}
