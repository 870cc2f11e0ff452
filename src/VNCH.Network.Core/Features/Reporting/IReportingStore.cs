namespace VNCH.Network.Core.Features.Reporting;

/// <summary>
/// The reporting projection (SQLite table embedded; a Cosmos container of its own in Azure). The only store read
/// across tenants, which it may be because it holds no identifier.
/// </summary>
public interface IReportingStore
{
    /// <summary>
    /// The key of the keyed hashes in <see cref="StudyFact"/>: created at random on first use, kept by the store,
    /// never returned by any API. Losing it only means the next rebuild hashes differently.
    /// </summary>
    Task<byte[]> GetOrCreatePseudonymKeyAsync(CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="fact"/> the study's contribution, unless the stored one has a later version.</summary>
    Task UpsertAsync(StudyFact fact, CancellationToken cancellationToken);

    /// <summary>Every contribution (the whole network; a national report reads them all).</summary>
    Task<IReadOnlyList<StudyFact>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the whole cube with <paramref name="facts"/> (full rebuild from the study records).</summary>
    Task ReplaceAllAsync(IReadOnlyList<StudyFact> facts, CancellationToken cancellationToken);

    /// <summary>
    /// Records a published snapshot. The newest one keeps its <see cref="StoredSnapshot.Document"/> (it is the next
    /// snapshot's "previous": what readers already know); older ones keep their header only. A compare-and-set on the
    /// chain: throws <see cref="SnapshotSupersededException"/> when the newest stored snapshot is not the new one's
    /// <see cref="SnapshotHeader.PreviousId"/> (another instance published first), so the chain never forks and every
    /// snapshot is protected against the one readers saw before it.
    /// </summary>
    Task SaveSnapshotAsync(StoredSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>The newest saved snapshot with its document, or null before the first.</summary>
    Task<StoredSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken);

    /// <summary>Every snapshot ever published (headers, newest first).</summary>
    Task<IReadOnlyList<SnapshotHeader>> ListSnapshotsAsync(CancellationToken cancellationToken);
}

/// <summary>When a snapshot was published, what it followed and which periods (grain:code) it revised.</summary>
public sealed record SnapshotHeader(string Id, DateTimeOffset AsOf, string? PreviousId, IReadOnlyList<string> RevisedPeriods);

/// <param name="Document">The serialized snapshot (<see cref="ReportSnapshotDocument"/>); null for older snapshots.</param>
public sealed record StoredSnapshot(SnapshotHeader Header, string? Document);

/// <summary>Another instance published a successor of the same snapshot first; read the latest and build on it.</summary>
public sealed class SnapshotSupersededException(string previousId) : Exception($"A snapshot following '{previousId}' was already published.");
