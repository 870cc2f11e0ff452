using System.Buffers.Text;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Results;

public sealed record OriginalDownload(StudyInstance Instance, Stream Content);

/// <param name="ContinuationToken">Where the next page starts; null on the last page.</param>
public sealed record StudyAuditTrail(IReadOnlyList<AuditRecord> Records, bool Truncated, string? ContinuationToken);

/// <summary>
/// Where a study's audit trail resumes: the time of the last record a page covered and how many of the study's records
/// at exactly that time it returned (the sink reads from a time, inclusive).
/// </summary>
internal sealed record AuditTrailPosition(DateTimeOffset Time, int Skip)
{
    public override string ToString() =>
        Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes($"{Time.UtcTicks}:{Skip}"));

    public static AuditTrailPosition Parse(string token)
    {
        var parts = System.Text.Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(':');
        return parts.Length == 2
            && long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
            && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var skip)
            && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new AuditTrailPosition(new DateTimeOffset(ticks, TimeSpan.Zero), skip)
            : throw new FormatException("Not an audit trail continuation token.");
    }
}

/// <summary>
/// A study's original document and its audit trail for the hospital that owns it (the portal's study page): within
/// the caller's tenant, 404 for anything else, every access audited.
/// </summary>
public sealed class StudyTrailQueries(IStudyStore studies, IOriginalStore originals, IAuditSink audit, TimeProvider time)
{
    /// <summary>The audit sink is read in pages from the study's creation (or the page's start); one request reads at most this many records, the rest is the next page's.</summary>
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

    /// <summary>
    /// One page of the audit records about the study, oldest first; null when the study is not the caller's.
    /// <paramref name="continuationToken"/> (from the previous page) resumes where that page ended, so a long trail
    /// costs each page only the records written since (throws <see cref="FormatException"/> for a token not made here).
    /// </summary>
    public async Task<StudyAuditTrail?> AuditTrailAsync(Caller caller, string studyId, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var resume = continuationToken is null ? null : AuditTrailPosition.Parse(continuationToken);
        var study = await studies.GetAsync(caller.Tenant, studyId, cancellationToken);
        if (study is null)
        {
            await AuditAsync(caller, "study.audit.read", studyId, AuditOutcomes.NotFound, null, cancellationToken);
            return null;
        }

        // The ingestion of the first document is recorded a moment before the study's first status time.
        var start = resume?.Time ?? (study.FirstReceivedAt ?? study.CreatedAt).AddMinutes(-1);
        var skip = resume?.Skip ?? 0;
        var since = start;
        var seen = new HashSet<AuditRecord>();
        var trail = new List<AuditRecord>();
        var scanned = 0;
        var truncated = false;
        DateTimeOffset? lastScanned = null;
        var more = false;
        while (true)
        {
            var page = await audit.ReadAsync(caller.Tenant, since, Page, cancellationToken);
            scanned += page.Count;
            foreach (var record in page.Where(r => seen.Add(r)))
            {
                lastScanned = record.Time;
                if (record.ResourceId != studyId)
                {
                    continue;
                }

                if (skip > 0 && record.Time == start)
                {
                    skip--; // returned by the previous page
                    continue;
                }

                if (trail.Count == pageSize)
                {
                    more = true;
                    break;
                }

                trail.Add(record);
            }

            if (more || page.Count < Page)
            {
                break;
            }

            if (page[^1].Time == since)
            {
                truncated = true; // a whole read of one instant: the sink cannot be paged past it by time
                break;
            }

            if (scanned >= MaxScannedRecords)
            {
                more = true; // this request has read enough; the next page resumes at the last record read
                break;
            }

            since = page[^1].Time;
        }

        string? next = null;
        if (more)
        {
            // A full page resumes after its last record; a page cut by the scan limit after the last record read.
            var at = trail.Count == pageSize ? trail[^1].Time : lastScanned ?? start;
            next = new AuditTrailPosition(at, trail.Count(r => r.Time == at) + (at == start ? resume?.Skip ?? 0 : 0)).ToString();
        }

        await AuditAsync(caller, "study.audit.read", studyId, AuditOutcomes.Success, $"{trail.Count} records", cancellationToken);
        return new StudyAuditTrail(trail, truncated, next);
    }

    private Task AuditAsync(Caller caller, string action, string studyId, string outcome, string? detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(time.GetUtcNow(), caller.Subject, caller.Tenant, action, "Study", studyId, outcome, caller.CorrelationId, detail), cancellationToken);
}
