using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Reporting.Disclosure;

namespace VNCH.Network.Core.Features.Reporting;

public sealed class ReportSnapshotOptions
{
    /// <summary>A new snapshot is cut at most this often; requests in between read the current one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// The published snapshots of this process: the current one answers every request; the next is cut from the cube
/// when the refresh interval has passed and the cube changed, with the previous one as the reader's prior knowledge.
/// </summary>
public sealed class ReportSnapshots(IReportingStore store, IOptions<DisclosureOptions> rules, IOptions<ReportSnapshotOptions> options, TimeProvider time)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private ReportSnapshot? current;

    public async Task<ReportSnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = current;
        if (snapshot is not null && time.GetUtcNow() - snapshot.AsOf < options.Value.RefreshInterval)
        {
            return snapshot;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (current is not null && time.GetUtcNow() - current.AsOf < options.Value.RefreshInterval)
            {
                return current;
            }

            return await PublishAsync(cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Cuts a new snapshot now (unless the cube is unchanged). Throws <see cref="DisclosureAuditException"/> when the audit refuses it.</summary>
    public async Task<ReportSnapshot> PublishAsync(CancellationToken cancellationToken)
    {
        var facts = await store.ListAsync(cancellationToken);
        var previous = current;
        if (previous is not null && previous.Facts.Count == facts.Count && previous.Facts.Zip(facts).All(p => p.First.Equivalent(p.Second)))
        {
            return previous;
        }

        current = ReportSnapshotBuilder.Build(facts, previous, rules.Value, time.GetUtcNow());
        return current;
    }
}
