using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Disclosure;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>A cube that outgrows the elimination memory: the last audited snapshot keeps answering, and the refused cut is retried once per refresh interval.</summary>
public sealed class SnapshotCapacityTests
{
    [Fact]
    public async Task A_refused_snapshot_leaves_the_last_audited_one_current_until_a_later_attempt_succeeds()
    {
        var network = new GeneratedNetwork(600, hospitals: 5);
        var cube = new InMemoryReportingStore();
        var key = await cube.GetOrCreatePseudonymKeyAsync(CancellationToken.None);
        var facts = network.Studies.Select(s => StudyFactProjection.Project(s, network.Hospitals.Single(h => h.Id == s.Tenant), key)).ToList();
        var rules = new DisclosureOptions { Threshold = 5 };
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 1, 10, 0, 0, 0, TimeSpan.Zero));
        var snapshots = new ReportSnapshots(cube, Options.Create(rules), Options.Create(new ReportSnapshotOptions { RefreshInterval = TimeSpan.FromHours(1) }), time);

        await cube.ReplaceAllAsync(facts[..60], CancellationToken.None);
        var first = await snapshots.CurrentAsync(CancellationToken.None);

        // 600 studies need a few MiB of elimination; 60 needed a few KiB.
        await cube.ReplaceAllAsync(facts, CancellationToken.None);
        rules.MaxEliminationMemoryMiB = 1;
        time.Advance(TimeSpan.FromMinutes(61));
        Assert.Throws<SnapshotTooLargeException>(() => ReportSnapshotBuilder.Build(facts, first, rules, time.GetUtcNow()));
        Assert.Equal(first.Id, (await snapshots.CurrentAsync(CancellationToken.None)).Id);

        // Room again, but the next attempt waits for the interval after the refusal.
        rules.MaxEliminationMemoryMiB = new DisclosureOptions().MaxEliminationMemoryMiB;
        time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(first.Id, (await snapshots.CurrentAsync(CancellationToken.None)).Id);

        time.Advance(TimeSpan.FromMinutes(31));
        var next = await snapshots.CurrentAsync(CancellationToken.None);
        Assert.NotEqual(first.Id, next.Id);
        Assert.Equal(first.Id, next.PreviousId);
        Assert.Equal(facts.Count, next.Facts.Count);
    }
}
