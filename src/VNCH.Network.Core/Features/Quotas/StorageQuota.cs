using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Quotas;

/// <summary>
/// What a hospital may still store, checked before an upload is read and bounding the bytes read while it streams
/// (ADR 0108). The usage is measured through <see cref="IStorageUsage"/> at most every
/// <see cref="StorageQuotaOptions.UsageRefreshInterval"/>; between measurements this process adds what it stored
/// and subtracts what it evicted. Uploads running at the same moment may each pass the check, so a hospital can go
/// over by at most the documents in flight (each bounded by the input budget).
/// </summary>
public sealed class StorageQuota(IStorageUsage usage, IOptions<StorageQuotaOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<TenantId, Measured> measured = new();

    public async Task<QuotaAllowance> AllowanceAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var limits = options.Value.For(tenant);
        if (limits.MaxOriginalBytes is null && limits.MaxDocuments is null)
        {
            return QuotaAllowance.Unlimited;
        }

        var current = await UsageAsync(tenant, cancellationToken);
        return new QuotaAllowance(
            limits.MaxOriginalBytes is { } bytes ? bytes - current.Bytes : long.MaxValue,
            limits.MaxDocuments is { } documents ? documents - current.Documents : long.MaxValue);
    }

    /// <summary>This process stored (positive) or evicted (negative) originals since the last measurement.</summary>
    public void Record(TenantId tenant, long documents, long bytes)
    {
        while (measured.TryGetValue(tenant, out var known))
        {
            if (measured.TryUpdate(tenant, known with { Usage = known.Usage.Plus(documents, bytes) }, known))
            {
                return;
            }
        }
    }

    private async Task<StorageUsage> UsageAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (measured.TryGetValue(tenant, out var known) && now - known.At < options.Value.UsageRefreshInterval)
        {
            return known.Usage;
        }

        var fresh = new Measured(await usage.MeasureAsync(tenant, cancellationToken), now);
        measured[tenant] = fresh;
        return fresh.Usage;
    }

    private sealed record Measured(StorageUsage Usage, DateTimeOffset At);
}

/// <summary>What a hospital may still store: bytes and documents (<see cref="long.MaxValue"/> when unlimited).</summary>
public sealed record QuotaAllowance(long Bytes, long Documents)
{
    public static QuotaAllowance Unlimited { get; } = new(long.MaxValue, long.MaxValue);

    public bool IsExhausted => Bytes <= 0 || Documents <= 0;
}
