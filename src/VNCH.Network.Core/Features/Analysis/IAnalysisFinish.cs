using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core.Features.Analysis;

/// <summary>
/// The unit of work that ends an analysis (ADR 0117): the study's FHIR records, its final document, its reporting
/// contribution and the audit record. A store that has one transaction over all of them commits them together
/// (SQLite); others do the steps in an order a re-delivery completes (<see cref="StepwiseAnalysisFinish"/>).
/// </summary>
public interface IAnalysisFinish
{
    /// <summary>
    /// Commits <paramref name="finished"/> and sets the study's new ETag; true when it also completed
    /// <see cref="FinishedAnalysis.Delivery"/> in the same commit (the host must not complete it again). Throws <see cref="ConcurrencyConflictException"/>
    /// when the study changed since it was read (new instances queued it again): then the study document, its
    /// reporting contribution and the audit record are not written, and the queued delivery redoes the analysis.
    /// </summary>
    Task<bool> CommitAsync(FinishedAnalysis finished, CancellationToken cancellationToken);
}

/// <param name="Study">The study in its final state, with the ETag it was read with.</param>
/// <param name="Records">The study's FHIR records (they replace the stored ones), or null to leave them as they are.</param>
/// <param name="Audit">The record of the analysis (every patient-data write is audited).</param>
/// <param name="Delivery">The queue message being handled, when the host lets the finish complete it (embedded).</param>
public sealed record FinishedAnalysis(Study Study, IReadOnlyList<FhirRecord>? Records, AuditRecord Audit, WorkMessage? Delivery = null);

/// <summary>
/// The finish as separate idempotent steps, for stores without a transaction across records, studies, reporting and
/// audit (Cosmos DB): records first (same ids rewritten), then the ETag-checked study (the reporting decorator projects
/// it), then the audit record. A crash before the study save leaves the study analysing: the re-delivery redoes it all.
/// </summary>
public sealed class StepwiseAnalysisFinish(IRecordStore records, IStudyStore studies, IAuditSink audit) : IAnalysisFinish
{
    public async Task<bool> CommitAsync(FinishedAnalysis finished, CancellationToken cancellationToken)
    {
        var study = finished.Study;
        if (finished.Records is { } fhir)
        {
            await records.ReplaceForStudyAsync(study.Tenant, study.Id, fhir, cancellationToken);
        }

        await studies.SaveAsync(study, cancellationToken);
        await audit.WriteAsync(finished.Audit, cancellationToken);
        return false; // the host completes the message (Functions: on return)
    }
}
