using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core.Tests.Fakes;

// The fakes the handler tests rely on pass the same contracts as the real adapters.
public sealed class InMemoryStudyStoreContract : StudyStoreContractTests
{
    protected override IStudyStore CreateStore() => new InMemoryStudyStore();
}

public sealed class InMemoryWorkQueueContract : WorkQueueContractTests
{
    private readonly FakeTimeProvider time = new();

    protected override IWorkQueue CreateQueue() => new InMemoryWorkQueue(time);

    protected override Task AdvanceAsync(TimeSpan by)
    {
        time.Advance(by);
        return Task.CompletedTask;
    }
}

public sealed class InMemoryRecordStoreContract : RecordStoreContractTests
{
    protected override IRecordStore CreateStore() => new InMemoryRecordStore();
}

public sealed class InMemoryAuditSinkContract : AuditSinkContractTests
{
    protected override IAuditSink CreateSink() => new InMemoryAuditSink();
}

public sealed class InMemoryOriginalStoreContract : OriginalStoreContractTests
{
    protected override IOriginalStore CreateStore() => new InMemoryOriginalStore();
}

public sealed class InMemoryDicomIndexContract : DicomIndexContractTests
{
    protected override Core.Features.DicomWeb.IDicomIndex CreateIndex() => new InMemoryDicomIndex();
}

public sealed class InMemoryConcurrentIngestionContract : ConcurrentIngestionContractTests
{
    protected override IStudyStore CreateStore() => new InMemoryStudyStore();
}

/// <summary>The stepwise finish over the in-memory ports, with the reporting decorator a host wires (ADR 0117).</summary>
public sealed class StepwiseAnalysisFinishContract : AnalysisFinishContractTests
{
    protected override FinishPorts Create(Features.Tenancy.ITenantDirectory tenants)
    {
        var (records, audit, reporting) = (new InMemoryRecordStore(), new InMemoryAuditSink(), new Contracts.Reporting.InMemoryReportingStore());
        var studies = new Features.Reporting.ReportingStudyStore(new InMemoryStudyStore(),
            new Features.Reporting.ReportingProjector(reporting, tenants, Microsoft.Extensions.Logging.Abstractions.NullLogger<Features.Reporting.ReportingProjector>.Instance));
        return new FinishPorts(new Features.Analysis.StepwiseAnalysisFinish(records, studies, audit), studies, records, audit, reporting);
    }
}
