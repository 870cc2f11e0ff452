using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Embedded.Audit;
using VNCH.Network.Embedded.Records;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Embedded.Studies;
using VNCH.Network.Embedded.Work;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Contracts;

/// <summary>A fresh data folder per test class instance (xunit creates one instance per test).</summary>
public abstract class SqliteFixture : IDisposable
{
    private readonly TempDirectory directory = new("vnch-embedded");

    protected DataFolder Folder => new(directory.Path);

    protected SqliteDatabase Database() => new(Folder);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteStudyStoreContract : StudyStoreContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-studies");

    protected override IStudyStore CreateStore() => new SqliteStudyStore(new SqliteDatabase(new DataFolder(directory.Path)));

    public void Dispose() => directory.Dispose();
}

public sealed class SqliteWorkQueueContract : WorkQueueContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-queue");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    protected override IWorkQueue CreateQueue() => new SqliteWorkQueue(new SqliteDatabase(new DataFolder(directory.Path)), time);

    protected override Task AdvanceAsync(TimeSpan by)
    {
        time.Advance(by);
        return Task.CompletedTask;
    }

    public void Dispose() => directory.Dispose();
}

public sealed class SqliteRecordStoreContract : RecordStoreContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-records");

    protected override IRecordStore CreateStore() => new SqliteRecordStore(new SqliteDatabase(new DataFolder(directory.Path)));

    public void Dispose() => directory.Dispose();
}

public sealed class SqliteAuditSinkContract : AuditSinkContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-audit");

    protected override IAuditSink CreateSink() => new SqliteAuditSink(new SqliteDatabase(new DataFolder(directory.Path)));

    public void Dispose() => directory.Dispose();
}

public sealed class FileOriginalStoreContract : OriginalStoreContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-originals");

    protected override IOriginalStore CreateStore() => new FileOriginalStore(new DataFolder(directory.Path));

    public void Dispose() => directory.Dispose();
}

public sealed class SqliteDicomIndexContract : DicomIndexContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-dicom-index");

    protected override Core.Features.DicomWeb.IDicomIndex CreateIndex() => new DicomWeb.SqliteDicomIndex(new SqliteDatabase(new DataFolder(directory.Path)));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}

public sealed class SqliteConcurrentIngestionContract : ConcurrentIngestionContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-concurrent");

    protected override IStudyStore CreateStore() => new SqliteStudyStore(new SqliteDatabase(new DataFolder(directory.Path)));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}

/// <summary>The one-transaction finish (ADR 0117), and its audit record chained with the sink's own group commits.</summary>
public sealed class SqliteAnalysisFinishContract : AnalysisFinishContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-finish");
    private SqliteAuditSink? sink;

    protected override FinishPorts Create(Core.Features.Tenancy.ITenantDirectory tenants)
    {
        var database = new SqliteDatabase(new DataFolder(directory.Path));
        var reporting = new Embedded.Reporting.SqliteReportingStore(database);
        sink = new SqliteAuditSink(database);
        var finish = new SqliteAnalysisFinish(database,
            new Core.Features.Reporting.ReportingProjector(reporting, tenants, Microsoft.Extensions.Logging.Abstractions.NullLogger<Core.Features.Reporting.ReportingProjector>.Instance));
        return new FinishPorts(finish, new SqliteStudyStore(database), new SqliteRecordStore(database), sink, reporting);
    }

    [Fact]
    public async Task Finishes_and_group_commits_racing_keep_one_audit_chain()
    {
        await A_retry_after_a_crash_between_steps_finishes_once_and_a_repeated_finish_never_counts_twice();
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => sink!.WriteAsync(
            new AuditRecord(DateTimeOffset.UnixEpoch, "test", Hospital, "study.read", "Study", $"s-{i}", AuditOutcomes.Success, $"c-{i}", null), CancellationToken.None)));

        Assert.Null(await sink!.VerifyChainAsync(CancellationToken.None));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}
