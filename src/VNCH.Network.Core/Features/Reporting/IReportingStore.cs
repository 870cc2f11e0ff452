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
}
