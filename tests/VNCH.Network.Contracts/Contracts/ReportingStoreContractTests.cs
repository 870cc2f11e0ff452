using VNCH.Network.Core.Features.Reporting;

namespace VNCH.Network.Contracts.Contracts;

public abstract class ReportingStoreContractTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    protected abstract IReportingStore CreateStore();

    /// <summary>A second store over the same storage (a restart).</summary>
    protected abstract IReportingStore ReopenStore();

    public static StudyFact Fact(string key, string outcome = "completed", DateTimeOffset? version = null, params FactFinding[] findings) => new()
    {
        Key = key,
        Child = "child-" + key,
        Hospital = "hosp-a",
        Province = "Hà Nội",
        Kind = "imaging",
        Modality = "CR",
        Date = new DateOnly(2026, 11, 23),
        DateSource = DateSource.Acquisition,
        AgeBand = AgeBand.Newborn,
        Sex = "female",
        Outcome = outcome,
        Findings = findings,
        Version = version ?? T0,
    };

    [Fact]
    public async Task The_pseudonym_key_is_created_once_and_survives_a_restart()
    {
        var store = CreateStore();
        var key = await store.GetOrCreatePseudonymKeyAsync(CancellationToken.None);

        Assert.Equal(32, key.Length);
        Assert.Equal(key, await store.GetOrCreatePseudonymKeyAsync(CancellationToken.None));
        Assert.Equal(key, await ReopenStore().GetOrCreatePseudonymKeyAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Upsert_replaces_a_study_contribution_and_round_trips_every_field()
    {
        var store = CreateStore();
        await store.UpsertAsync(Fact("k1", findings: new FactFinding("m/result", "normal")), CancellationToken.None);
        var changed = Fact("k1", version: T0.AddMinutes(1), findings: [new FactFinding("m/result", "pneumonia"), new FactFinding("m/qtc-flag", "high")]);
        await store.UpsertAsync(changed, CancellationToken.None);
        await store.UpsertAsync(Fact("k2", "rejected"), CancellationToken.None);

        var facts = await ReopenStore().ListAsync(CancellationToken.None);
        Assert.Equal(["k1", "k2"], facts.Select(f => f.Key));
        Assert.True(facts[0].Equivalent(changed), "the stored contribution equals the last one written");
        Assert.Equal("rejected", facts[1].Outcome);
    }

    [Fact]
    public async Task An_older_delivery_never_overwrites_a_newer_contribution()
    {
        var store = CreateStore();
        await store.UpsertAsync(Fact("k1", "completed", T0.AddMinutes(5)), CancellationToken.None);
        await store.UpsertAsync(Fact("k1", "failed", T0), CancellationToken.None);

        Assert.Equal("completed", Assert.Single(await store.ListAsync(CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Replace_all_makes_the_given_facts_the_whole_cube()
    {
        var store = CreateStore();
        await store.UpsertAsync(Fact("old"), CancellationToken.None);
        await store.ReplaceAllAsync([Fact("a"), Fact("b")], CancellationToken.None);

        Assert.Equal(["a", "b"], (await store.ListAsync(CancellationToken.None)).Select(f => f.Key));
    }

    [Fact]
    public async Task Snapshots_survive_a_restart_the_newest_keeps_its_document_and_every_header_is_listed()
    {
        var store = CreateStore();
        Assert.Null(await store.LatestSnapshotAsync(CancellationToken.None));
        var first = new SnapshotHeader("s1", T0, null, []);
        var second = new SnapshotHeader("s2", T0.AddHours(1), "s1", ["week:2026-W48", "month:2026-11"]);
        await store.SaveSnapshotAsync(new StoredSnapshot(first, "{\"id\":\"s1\"}"), CancellationToken.None);
        await store.SaveSnapshotAsync(new StoredSnapshot(second, "{\"id\":\"s2\"}"), CancellationToken.None);

        var reopened = ReopenStore();
        var latest = await reopened.LatestSnapshotAsync(CancellationToken.None);
        Assert.Equal("s2", latest!.Header.Id);
        Assert.Equal("{\"id\":\"s2\"}", latest.Document);
        Assert.Equal(["week:2026-W48", "month:2026-11"], latest.Header.RevisedPeriods);
        var headers = await reopened.ListSnapshotsAsync(CancellationToken.None);
        Assert.Equal(["s2", "s1"], headers.Select(h => h.Id));
        Assert.Equal("s1", headers[0].PreviousId);
        Assert.Equal(T0, headers[1].AsOf);
    }

    [Fact]
    public async Task A_snapshot_that_does_not_follow_the_newest_is_refused_so_the_chain_never_forks()
    {
        var store = CreateStore();
        await store.SaveSnapshotAsync(new StoredSnapshot(new SnapshotHeader("s1", T0, null, []), "{\"id\":\"s1\"}"), CancellationToken.None);
        await store.SaveSnapshotAsync(new StoredSnapshot(new SnapshotHeader("s2", T0.AddHours(1), "s1", []), "{\"id\":\"s2\"}"), CancellationToken.None);

        // A second instance that also followed s1, and one that never saw any snapshot.
        await Assert.ThrowsAsync<SnapshotSupersededException>(() =>
            store.SaveSnapshotAsync(new StoredSnapshot(new SnapshotHeader("s2-other", T0.AddHours(2), "s1", []), "{}"), CancellationToken.None));
        await Assert.ThrowsAsync<SnapshotSupersededException>(() =>
            ReopenStore().SaveSnapshotAsync(new StoredSnapshot(new SnapshotHeader("s1-other", T0.AddHours(2), null, []), "{}"), CancellationToken.None));

        var latest = await ReopenStore().LatestSnapshotAsync(CancellationToken.None);
        Assert.Equal("s2", latest!.Header.Id);
        Assert.Equal("{\"id\":\"s2\"}", latest.Document);
        Assert.Equal(["s2", "s1"], (await store.ListSnapshotsAsync(CancellationToken.None)).Select(h => h.Id));
        await store.SaveSnapshotAsync(new StoredSnapshot(new SnapshotHeader("s3", T0.AddHours(3), "s2", []), "{\"id\":\"s3\"}"), CancellationToken.None);
        Assert.Equal("s3", (await store.LatestSnapshotAsync(CancellationToken.None))!.Header.Id);
    }
}
