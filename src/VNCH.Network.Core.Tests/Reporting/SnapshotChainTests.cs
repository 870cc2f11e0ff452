using Microsoft.Extensions.Options;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Disclosure;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>
/// Several instances (Functions scale-out) publish over one reporting store: each follows the newest stored snapshot,
/// and two cutting at once never fork the chain (readers would otherwise hold two successors of one snapshot, whose
/// difference no audit has checked).
/// </summary>
public sealed class SnapshotChainTests
{
    private readonly GeneratedNetwork network = new(120, hospitals: 5);

    [Fact]
    public async Task An_instance_follows_the_snapshot_another_instance_published()
    {
        var cube = new InMemoryReportingStore();
        var facts = await FactsAsync(cube);
        await cube.ReplaceAllAsync(facts[..60], CancellationToken.None);
        var first = await Snapshots(cube).PublishAsync(CancellationToken.None);
        var other = Snapshots(cube);
        Assert.Equal(first.Id, (await other.PublishAsync(CancellationToken.None)).Id); // unchanged cube: the same snapshot

        await cube.ReplaceAllAsync(facts, CancellationToken.None);
        var second = await other.PublishAsync(CancellationToken.None);

        Assert.Equal(first.Id, second.PreviousId);
        Assert.Equal([second.Id, first.Id], (await cube.ListSnapshotsAsync(CancellationToken.None)).Select(h => h.Id));
    }

    [Fact]
    public async Task Two_instances_cutting_at_once_publish_one_successor_and_both_serve_it()
    {
        var inner = new InMemoryReportingStore();
        var facts = await FactsAsync(inner);
        await inner.ReplaceAllAsync(facts[..60], CancellationToken.None);
        var first = await Snapshots(inner).PublishAsync(CancellationToken.None);
        await inner.ReplaceAllAsync(facts, CancellationToken.None);

        // Instance B has built its successor of the first snapshot; A saves its own successor just before B saves.
        var a = Snapshots(inner);
        ReportSnapshot? published = null;
        var racing = new BeforeSaveStore(inner, async () => published = await a.PublishAsync(CancellationToken.None));
        var served = await Snapshots(racing).PublishAsync(CancellationToken.None);

        Assert.NotNull(published);
        Assert.Equal(first.Id, published.PreviousId);
        Assert.Equal(published.Id, served.Id);
        Assert.Equal([published.Id, first.Id], (await inner.ListSnapshotsAsync(CancellationToken.None)).Select(h => h.Id));
    }

    private async Task<StudyFact[]> FactsAsync(IReportingStore cube)
    {
        var key = await cube.GetOrCreatePseudonymKeyAsync(CancellationToken.None);
        return [.. network.Studies.Select(s => StudyFactProjection.Project(s, network.Hospitals.Single(h => h.Id == s.Tenant), key))];
    }

    private static ReportSnapshots Snapshots(IReportingStore cube) =>
        new(cube, Options.Create(new DisclosureOptions { Threshold = 5 }), Options.Create(new ReportSnapshotOptions()), TimeProvider.System);

    /// <summary>Runs <paramref name="beforeFirstSave"/> once, just before the first snapshot save goes to the store.</summary>
    private sealed class BeforeSaveStore(IReportingStore inner, Func<Task> beforeFirstSave) : IReportingStore
    {
        private Func<Task>? pending = beforeFirstSave;

        public async Task SaveSnapshotAsync(StoredSnapshot snapshot, CancellationToken cancellationToken)
        {
            if (Interlocked.Exchange(ref pending, null) is { } hook)
            {
                await hook();
            }

            await inner.SaveSnapshotAsync(snapshot, cancellationToken);
        }

        public Task<byte[]> GetOrCreatePseudonymKeyAsync(CancellationToken cancellationToken) => inner.GetOrCreatePseudonymKeyAsync(cancellationToken);
        public Task UpsertAsync(StudyFact fact, CancellationToken cancellationToken) => inner.UpsertAsync(fact, cancellationToken);
        public Task<IReadOnlyList<StudyFact>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);
        public Task ReplaceAllAsync(IReadOnlyList<StudyFact> facts, CancellationToken cancellationToken) => inner.ReplaceAllAsync(facts, cancellationToken);
        public Task<StoredSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken) => inner.LatestSnapshotAsync(cancellationToken);
        public Task<IReadOnlyList<SnapshotHeader>> ListSnapshotsAsync(CancellationToken cancellationToken) => inner.ListSnapshotsAsync(cancellationToken);
    }
}
