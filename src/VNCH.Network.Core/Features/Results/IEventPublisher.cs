using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Results;

/// <summary>Result events (Service Bus topic with per-tenant subscriptions in Azure; a log/no-op embedded).</summary>
public interface IEventPublisher
{
    Task PublishAsync(StudyResultEvent resultEvent, CancellationToken cancellationToken);
}

/// <summary>Carries no patient data: subscribers fetch the study through the API.</summary>
public sealed record StudyResultEvent(TenantId Tenant, string StudyId, StudyStatus Status, StudyKind Kind, DateTimeOffset At);
