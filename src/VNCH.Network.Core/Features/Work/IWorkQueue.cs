using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Work;

/// <summary>"Analyse this study": the only work item of the pipeline today.</summary>
public sealed record AnalyseStudy(TenantId Tenant, string StudyId);

/// <summary>
/// Durable at-least-once queue (SQLite embedded, Storage Queues in Azure). A received message is invisible for the
/// visibility timeout; not completed in time it comes back with a higher dequeue count. After the host's maximum
/// attempts the message is moved to poison with the reason kept.
/// </summary>
public interface IWorkQueue
{
    Task EnqueueAsync(AnalyseStudy item, CancellationToken cancellationToken);

    /// <summary>Next visible message, or null when there is none.</summary>
    Task<WorkMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken);

    Task CompleteAsync(WorkMessage message, CancellationToken cancellationToken);

    /// <summary>Makes the message visible again after <paramref name="delay"/> (retry with backoff).</summary>
    Task ReleaseAsync(WorkMessage message, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>Moves the message to poison with the reason; it is never delivered again.</summary>
    Task PoisonAsync(WorkMessage message, string reason, CancellationToken cancellationToken);
}

/// <param name="Receipt">Proves ownership of this delivery; stale receipts are ignored.</param>
/// <param name="DequeueCount">1 on first delivery.</param>
public sealed record WorkMessage(string Id, string Receipt, int DequeueCount, AnalyseStudy Item);
