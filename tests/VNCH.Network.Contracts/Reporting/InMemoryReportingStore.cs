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
}
