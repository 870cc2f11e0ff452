using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
/// The published snapshots: the current one answers every request (its suppression is computed once, when it is
/// cut); the next is cut from the cube when the refresh interval has passed and the cube changed, with the previous
/// one as the reader's prior knowledge. Every snapshot is saved in the reporting store, so a restart continues from
/// the last published one (its revisions and differences stay protected).
/// </summary>
public sealed class ReportSnapshots(
    IReportingStore store, IOptions<DisclosureOptions> rules, IOptions<ReportSnapshotOptions> options, TimeProvider time, ILogger<ReportSnapshots>? logger = null)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly ILogger log = logger ?? NullLogger<ReportSnapshots>.Instance;
    private ReportSnapshot? current;
    private DateTimeOffset nextAttempt;

    public async Task<ReportSnapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = current;
        if (snapshot is not null && Fresh(snapshot))
        {
            return snapshot;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (current is not null && Fresh(current))
            {
                return current;
            }

            try
            {
                return await PublishAsync(cancellationToken);
            }
            catch (SnapshotTooLargeException ex) when (current is not null)
            {
                // The cube outgrew the configured elimination memory: keep serving the last audited snapshot and try
                // again one refresh interval later, not on every request (the refusal costs a full count of the cube).
                log.LogError("Report snapshot {Id} stays current: the next one was refused. {Reason}", current.Id, ex.Message);
                nextAttempt = time.GetUtcNow() + options.Value.RefreshInterval;
                return current;
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private bool Fresh(ReportSnapshot snapshot) =>
        time.GetUtcNow() is var now && (now - snapshot.AsOf < options.Value.RefreshInterval || now < nextAttempt);

    /// <summary>
    /// Cuts a new snapshot now (unless the cube is unchanged). Throws <see cref="DisclosureAuditException"/> when the
    /// audit refuses it. The predecessor is always the newest stored snapshot, not this instance's own: with several
    /// instances (Functions scale-out) each one follows the others' snapshots, and when two cut at once the store's
    /// compare-and-set keeps one and the other serves the winner, so readers never see two successors of one snapshot.
    /// </summary>
    public async Task<ReportSnapshot> PublishAsync(CancellationToken cancellationToken)
    {
        var previous = await LatestStoredAsync(cancellationToken);
        var facts = await store.ListAsync(cancellationToken);
        if (previous is not null && Unchanged(previous.Facts, facts))
        {
            return current = previous;
        }

        var next = ReportSnapshotBuilder.Build(facts, previous, rules.Value, time.GetUtcNow());
        try
        {
            await store.SaveSnapshotAsync(ReportSnapshotDocument.ToStored(next), cancellationToken);
        }
        catch (SnapshotSupersededException)
        {
            return current = await LatestStoredAsync(cancellationToken) ?? throw new InvalidOperationException("The reporting store refused a snapshot but holds none.");
        }

        return current = next;
    }

    private async Task<ReportSnapshot?> LatestStoredAsync(CancellationToken cancellationToken)
    {
        var stored = await store.LatestSnapshotAsync(cancellationToken);
        if (stored is null)
        {
            return null;
        }

        // The same snapshot as the one held: keep the parsed copy instead of parsing the document again.
        return current?.Id == stored.Header.Id ? current
            : stored.Document is { } document ? ReportSnapshotDocument.FromDocument(document)
            : throw new InvalidDataException($"The newest snapshot {stored.Header.Id} has no document.");
    }

    private static bool Unchanged(IReadOnlyList<StudyFact> before, IReadOnlyList<StudyFact> now)
    {
        if (before.Count != now.Count)
        {
            return false;
        }

        var byKey = before.ToDictionary(f => f.Key);
        return now.All(f => byKey.TryGetValue(f.Key, out var old) && old.Equivalent(f));
    }
}
