using VNCH.Network.Core.Features.Audit;

namespace VNCH.Network.Api.Features.Audit;

/// <summary>The one JSON shape of an audit record, for the tenant's trail and a study's trail alike (docs/audit.md).</summary>
public static class AuditRecordJson
{
    public static object From(AuditRecord r) => new
    {
        time = r.Time,
        actor = r.Actor,
        tenant = r.Tenant?.Value,
        action = r.Action,
        resourceType = r.ResourceType,
        resourceId = r.ResourceId,
        outcome = r.Outcome,
        correlationId = r.CorrelationId,
        detail = r.Detail,
    };
}
