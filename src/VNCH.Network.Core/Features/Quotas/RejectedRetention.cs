using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Quotas;

/// <summary>
/// Bounded retention of rejected documents (issue 13 item 7, ADR 0108): per hospital, at most
/// <see cref="StorageQuotaOptions.MaxRejectedDocuments"/> originals, <see cref="StorageQuotaOptions.MaxRejectedBytes"/>
/// bytes, none older than <see cref="StorageQuotaOptions.MaxRejectedAge"/>; the oldest go first. The rejected study
/// itself stays, with its reason; only its original's bytes are evicted, and every eviction is audited.
/// </summary>
public sealed class RejectedRetention(
    IRejectedOriginals rejected,
    IAuditSink audit,
    IOptions<StorageQuotaOptions> options,
    TimeProvider time,
    ILogger<RejectedRetention> logger,
    StorageQuota? quota = null)
{
    public const string Actor = "system:retention";
    public const string EvictAction = "study.original.evict";

    /// <summary>A document was rejected: its original is remembered and the hospital's bound enforced.</summary>
    public async Task KeepAsync(TenantId tenant, RejectedOriginal original, string correlationId, CancellationToken cancellationToken)
    {
        await rejected.AddAsync(tenant, original, cancellationToken);
        await EnforceAsync(tenant, correlationId, cancellationToken);
    }

    /// <summary>The same bytes were accepted as a document: never evict them.</summary>
    public Task ForgetAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) =>
        rejected.ForgetAsync(tenant, sha256, cancellationToken);

    /// <summary>Evicts the hospital's oldest rejected originals beyond its bound; returns how many.</summary>
    public async Task<int> EnforceAsync(TenantId tenant, string correlationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var evictions = Beyond(await rejected.ListOldestFirstAsync(tenant, cancellationToken), options.Value.For(tenant), now);
        foreach (var (original, why) in evictions)
        {
            await rejected.EvictAsync(tenant, original.Sha256, cancellationToken);
            quota?.Record(tenant, -1, -original.Length);
            logger.LogInformation("Evicted a rejected document's original for tenant {Tenant}: {Why} ({CorrelationId})", tenant, why, correlationId);
            await audit.WriteAsync(new AuditRecord(now, Actor, tenant, EvictAction, "Study", original.StudyId, AuditOutcomes.Success, correlationId,
                $"rejected-retention, {why}: original sha256 {original.Sha256} ({original.Length} bytes, rejected {original.RejectedAt:O}) deleted; the study keeps its reason"),
                cancellationToken);
        }

        return evictions.Count;
    }

    /// <summary>The originals beyond the bound, oldest first, each with the bound it breaks.</summary>
    public static IReadOnlyList<(RejectedOriginal Original, string Why)> Beyond(IReadOnlyList<RejectedOriginal> oldestFirst, TenantQuota limits, DateTimeOffset now)
    {
        var count = oldestFirst.Count;
        var bytes = oldestFirst.Sum(o => o.Length);
        var evict = new List<(RejectedOriginal, string)>();
        foreach (var original in oldestFirst)
        {
            var why = limits.MaxRejectedAge is { } age && now - original.RejectedAt > age ? "older than the retention age"
                : count > limits.MaxRejectedDocuments ? "more rejected documents than the bound"
                : bytes > limits.MaxRejectedBytes ? "more rejected bytes than the bound"
                : null;
            if (why is null)
            {
                break; // Oldest first: everything after this one is younger and fits.
            }

            evict.Add((original, why));
            count--;
            bytes -= original.Length;
        }

        return evict;
    }
}
