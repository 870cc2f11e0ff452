using System.Collections.Concurrent;
using System.Security.Cryptography;
using VNCH.Network.Core.Features.Reporting;

namespace VNCH.Network.Contracts.Reporting;

/// <summary>In-memory reporting projection with the adapters' semantics (an older version never overwrites).</summary>
public sealed class InMemoryReportingStore : IReportingStore
{
    private readonly ConcurrentDictionary<string, StudyFact> facts = new();
    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);
    private readonly Lock gate = new();
    private readonly List<StoredSnapshot> snapshots = [];

    public Task<byte[]> GetOrCreatePseudonymKeyAsync(CancellationToken cancellationToken) => Task.FromResult(key);

    public Task UpsertAsync(StudyFact fact, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!facts.TryGetValue(fact.Key, out var stored) || fact.Version >= stored.Version)
            {
                facts[fact.Key] = fact;
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StudyFact>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StudyFact>>(facts.Values.OrderBy(f => f.Key, StringComparer.Ordinal).ToList());

    public Task ReplaceAllAsync(IReadOnlyList<StudyFact> replacement, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            facts.Clear();
            foreach (var fact in replacement)
            {
                facts[fact.Key] = fact;
            }
        }

        return Task.CompletedTask;
    }

    public Task SaveSnapshotAsync(StoredSnapshot snapshot, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (snapshots.OrderByDescending(s => s.Header.AsOf).FirstOrDefault()?.Header.Id != snapshot.Header.PreviousId)
            {
                throw new SnapshotSupersededException(snapshot.Header.PreviousId ?? "none");
            }

            for (var i = 0; i < snapshots.Count; i++)
            {
                snapshots[i] = snapshots[i] with { Document = null };
            }

            snapshots.RemoveAll(s => s.Header.Id == snapshot.Header.Id);
            snapshots.Add(snapshot);
        }

        return Task.CompletedTask;
    }

    public Task<StoredSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult(snapshots.OrderByDescending(s => s.Header.AsOf).FirstOrDefault());
        }
    }

    public Task<IReadOnlyList<SnapshotHeader>> ListSnapshotsAsync(CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<SnapshotHeader>>(snapshots.Select(s => s.Header).OrderByDescending(h => h.AsOf).ToList());
        }
    }
}
