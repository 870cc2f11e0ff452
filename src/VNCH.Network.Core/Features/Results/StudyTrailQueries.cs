using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Results;

public sealed record OriginalDownload(StudyInstance Instance, Stream Content);

public sealed record StudyAuditTrail(IReadOnlyList<AuditRecord> Records, bool Truncated);

/// <summary>
/// A study's original document and its audit trail for the hospital that owns it (the portal's study page): within
/// the caller's tenant, 404 for anything else, every access audited.
/// </summary>
public sealed class StudyTrailQueries(IStudyStore studies, IOriginalStore originals, IAuditSink audit, TimeProvider time)
{
    /// <summary>The audit sink is read in pages from the study's creation; a trail longer than this is cut and says so.</summary>
    public const int MaxScannedRecords = 20_000;
    private const int Page = 1000;

    /// <summary>
    /// The original of the instance (the study's first when <paramref name="instanceUid"/> is null), byte for byte;
    /// null when the study or the instance is not the caller's.
    /// </summary>
    public async Task<OriginalDownload?> OpenOriginalAsync(Caller caller, string studyId, string? instanceUid, CancellationToken cancellationToken)
    {
        var study = await studies.GetAsync(caller.Tenant, studyId, cancellationToken);
        var instances = study is null ? [] : await studies.ListInstancesAsync(caller.Tenant, studyId, cancellationToken);
        var instance = instances.FirstOrDefault(i => instanceUid is null || i.InstanceUid == instanceUid);
        if (instance is null)
        {
            await AuditAsync(caller, "study.original.read", studyId, AuditOutcomes.NotFound, instanceUid, cancellationToken);
            return null;
        }

        var content = await originals.OpenAsync(caller.Tenant, instance.Sha256, cancellationToken);
        await AuditAsync(caller, "study.original.read", studyId, AuditOutcomes.Success, $"{instance.InstanceUid} sha256:{instance.Sha256}", cancellationToken);
        return new OriginalDownload(instance, content);
    }

    /// <summary>Every audit record about the study, oldest first; null when the study is not the caller's.</summary>
    public async Task<StudyAuditTrail?> AuditTrailAsync(Caller caller, string studyId, CancellationToken cancellationToken)
    {
        var study = await studies.GetAsync(caller.Tenant, studyId, cancellationToken);
        if (study is null)
        {
            await AuditAsync(caller, "study.audit.read", studyId, AuditOutcomes.NotFound, null, cancellationToken);
            return null;
        }

        // The ingestion of the first document is recorded a moment before the study's first status time.
        var since = (study.FirstReceivedAt ?? study.CreatedAt).AddMinutes(-1);
        var seen = new HashSet<AuditRecord>();
        var trail = new List<AuditRecord>();
        var scanned = 0;
        var truncated = false;
        while (true)
        {
            var page = await audit.ReadAsync(caller.Tenant, since, Page, cancellationToken);
            scanned += page.Count;
            trail.AddRange(page.Where(r => seen.Add(r) && r.ResourceId == studyId));
            if (page.Count < Page)
            {
                break;
            }

            if (scanned >= MaxScannedRecords || page[^1].Time == since)
            {
                truncated = true;
                break;
            }

            since = page[^1].Time;
        }

        await AuditAsync(caller, "study.audit.read", studyId, AuditOutcomes.Success, $"{trail.Count} records", cancellationToken);
        return new StudyAuditTrail(trail, truncated);
    }

    private Task AuditAsync(Caller caller, string action, string studyId, string outcome, string? detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(time.GetUtcNow(), caller.Subject, caller.Tenant, action, "Study", studyId, outcome, caller.CorrelationId, detail), cancellationToken);
}
