using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Contracts.Contracts;

/// <summary>
/// What every <see cref="IAnalysisFinish"/> must do (ADR 0117): commit records, final study, reporting contribution
/// and audit record as one finish; on a conflict leave the study, its contribution and the audit as they were; and let
/// a retry after a crash between steps end with exactly one finish. Derive and supply <see cref="Create"/>.
/// </summary>
public abstract class AnalysisFinishContractTests
{
    protected static readonly TenantId Hospital = TenantId.Parse("contract-a");
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>The ports of one fresh store; the finish projects through <paramref name="tenants"/>.</summary>
    protected abstract FinishPorts Create(ITenantDirectory tenants);

    protected sealed record FinishPorts(IAnalysisFinish Finish, IStudyStore Studies, IRecordStore Records, IAuditSink Audit, IReportingStore Reporting);

    [Fact]
    public async Task A_finish_commits_the_records_the_final_study_its_contribution_and_the_audit_record()
    {
        var ports = await SeedAnalysingAsync("s-1");
        var study = await ReadAsync(ports, "s-1");
        study.Complete(T0.AddMinutes(1));

        _ = await ports.Finish.CommitAsync(Finished(study, "o1", "analyse:s-1:1"), CancellationToken.None);

        var stored = await ReadAsync(ports, "s-1");
        Assert.Equal(StudyStatus.Completed, stored.Status);
        Assert.Equal(stored.ETag, study.ETag);
        Assert.Equal(["Patient/p", "Observation/o1"], await RecordIdsAsync(ports, "s-1"));
        Assert.Single(await ports.Reporting.ListAsync(CancellationToken.None));
        Assert.Equal(["analyse:s-1:1"], await AuditCorrelationsAsync(ports));
    }

    [Fact]
    public async Task A_study_changed_since_it_was_read_conflicts_and_keeps_its_status_contribution_and_audit()
    {
        var ports = await SeedAnalysingAsync("s-1");
        var analysed = await ReadAsync(ports, "s-1");

        // Ingestion re-opens the study with a new instance while the worker analyses it.
        var reopened = await ReadAsync(ports, "s-1");
        reopened.Receive(T0.AddSeconds(30));
        await ports.Studies.SaveAsync(reopened, CancellationToken.None);

        analysed.Complete(T0.AddMinutes(1));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            ports.Finish.CommitAsync(Finished(analysed, "o1", "analyse:s-1:1"), CancellationToken.None));

        Assert.Equal(StudyStatus.Received, (await ReadAsync(ports, "s-1")).Status);
        Assert.Empty(await ports.Reporting.ListAsync(CancellationToken.None));
        Assert.Empty(await AuditCorrelationsAsync(ports));
    }

    [Fact]
    public async Task A_retry_after_a_crash_between_steps_finishes_once_and_a_repeated_finish_never_counts_twice()
    {
        var ports = await SeedAnalysingAsync("s-1");

        // What an attempt that died after its records step leaves (a stepwise store can; one transaction cannot).
        await ports.Records.ReplaceForStudyAsync(Hospital, "s-1", Records("s-1", "stale"), CancellationToken.None);

        var retry = await ReadAsync(ports, "s-1");
        retry.Complete(T0.AddMinutes(2));
        _ = await ports.Finish.CommitAsync(Finished(retry, "o1", "analyse:s-1:2"), CancellationToken.None);

        // A finish repeated on the final study (its queue acknowledgment was lost) replaces, never adds.
        var again = await ReadAsync(ports, "s-1");
        _ = await ports.Finish.CommitAsync(Finished(again, "o1", "analyse:s-1:3"), CancellationToken.None);

        Assert.Equal(StudyStatus.Completed, (await ReadAsync(ports, "s-1")).Status);
        Assert.Equal(["Patient/p", "Observation/o1"], await RecordIdsAsync(ports, "s-1"));
        Assert.Single(await ports.Reporting.ListAsync(CancellationToken.None));
        Assert.Equal(["analyse:s-1:2", "analyse:s-1:3"], await AuditCorrelationsAsync(ports));
    }

    private async Task<FinishPorts> SeedAnalysingAsync(string studyId)
    {
        var ports = Create(new Fakes.InMemoryTenantDirectory(new Tenant { Id = Hospital, Name = "Contract hospital" }));
        await ports.Studies.SaveAsync(StudyStoreContractTests.NewStudy(Hospital, studyId, StudyStatus.Analysing, T0), CancellationToken.None);
        return ports;
    }

    private static async Task<Study> ReadAsync(FinishPorts ports, string studyId) =>
        await ports.Studies.GetAsync(Hospital, studyId, CancellationToken.None) ?? throw new InvalidOperationException("Study missing.");

    private static FinishedAnalysis Finished(Study study, string observation, string correlationId) =>
        new(study, Records(study.Id, observation), new AuditRecord(study.UpdatedAt, AnalysisHandler.Actor, study.Tenant, "study.analyse", "Study",
            study.Id, AuditOutcomes.Success, correlationId, study.Status.ToString()));

    private static List<FhirRecord> Records(string studyId, string observation) =>
    [
        new("Patient", "p", studyId, """{"resourceType":"Patient","id":"p"}"""),
        new("Observation", observation, studyId, $$"""{"resourceType":"Observation","id":"{{observation}}"}"""),
    ];

    private static async Task<List<string>> RecordIdsAsync(FinishPorts ports, string studyId) =>
        (await ports.Records.GetForStudyAsync(Hospital, studyId, CancellationToken.None)).Select(r => $"{r.ResourceType}/{r.Id}").ToList();

    private static async Task<List<string>> AuditCorrelationsAsync(FinishPorts ports) =>
        (await ports.Audit.ReadAsync(Hospital, null, 100, CancellationToken.None)).Where(r => r.Action == "study.analyse").Select(r => r.CorrelationId).ToList();
}
