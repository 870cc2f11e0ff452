using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Audit;

/// <summary>Append-only record of every read or write of patient data.</summary>
public interface IAuditSink
{
    Task WriteAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>Newest last; for operators and tests (embedded: also checks nothing was altered).</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(TenantId tenant, DateTimeOffset? since, int limit, CancellationToken cancellationToken);
}

/// <param name="Actor">Token subject (or "system:inbox", "system:analysis").</param>
/// <param name="Action">e.g. study.ingest, study.read, study.list, study.fhir.read, study.analyse.</param>
/// <param name="ResourceType">e.g. Study, Bundle.</param>
/// <param name="Outcome">success, duplicate, not-found, rejected, conflict, failed, denied.</param>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string Actor,
    TenantId? Tenant,
    string Action,
    string ResourceType,
    string? ResourceId,
    string Outcome,
    string CorrelationId,
    string? Detail = null);

public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Duplicate = "duplicate";
    public const string NotFound = "not-found";
    public const string Rejected = "rejected";
    public const string Conflict = "conflict";
    public const string Failed = "failed";
    public const string Denied = "denied";
}
