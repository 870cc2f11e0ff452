using System.Text.Json;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Embedded.Audit;
using VNCH.Network.Embedded.Records;
using VNCH.Network.Embedded.Reporting;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Embedded.Studies;

namespace VNCH.Network.Embedded.Work;

/// <summary>
/// The finish of an analysis as one SQLite write transaction (ADR 0117): FHIR records, the ETag-checked study, its
/// reporting contribution, the audit record and the queue message's completion commit together, or (a conflict, a crash) none of them does and the
/// study stays analysing for the re-delivery. Replaces five transactions (records, study, contribution, audit, completion).
/// </summary>
public sealed class SqliteAnalysisFinish(SqliteDatabase database, ReportingProjector projector) : IAnalysisFinish
{
    public async Task<bool> CommitAsync(FinishedAnalysis finished, CancellationToken cancellationToken)
    {
        var study = finished.Study;
        var fact = await projector.FactOrNullAsync(study, cancellationToken);
        var document = JsonSerializer.Serialize(study, StoreJson.Options);
        study.ETag = await database.WriteAsync(async (connection, transaction) =>
        {
            if (finished.Records is { } records)
            {
                await SqliteRecordStore.ReplaceAsync(connection, transaction, study.Tenant, study.Id, records, cancellationToken);
            }

            var etag = await SqliteStudyStore.WriteAsync(connection, transaction, study, document, cancellationToken);
            if (fact is not null)
            {
                await SqliteReportingStore.UpsertAsync(connection, transaction, fact, cancellationToken);
            }

            await SqliteAuditSink.AppendAsync(connection, transaction, finished.Audit);
            if (finished.Delivery is { } delivery)
            {
                // A receipt superseded meanwhile deletes nothing, as the worker's own completion would.
                await SqliteWorkQueue.CompleteAsync(connection, transaction, delivery, cancellationToken);
            }

            return etag;
        }, cancellationToken);
        return finished.Delivery is not null;
    }
}
