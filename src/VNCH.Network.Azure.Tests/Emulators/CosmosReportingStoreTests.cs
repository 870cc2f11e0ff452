using System.Security.Cryptography;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Azure.Cosmos;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Core.Features.Reporting;

namespace VNCH.Network.Azure.Tests.Emulators;

/// <summary>What the Cosmos cube adds to the shared contract: snapshot documents past the 2 MB item limit, racing writers.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class CosmosReportingStoreTests(EmulatorFixture emulators) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private Container container = null!;

    public async Task InitializeAsync() => container = await FreshCosmos.ContainerAsync(emulators, CosmosContainers.Reporting);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_snapshot_document_larger_than_an_item_is_chunked_and_only_the_newest_keeps_its_chunks()
    {
        // Random hex does not compress below 50%: 6 MB of it is several 1 MB chunks after gzip.
        var large = "{\"facts\":\"" + Convert.ToHexString(RandomNumberGenerator.GetBytes(3_000_000)) + "\"}";
        var store = new CosmosReportingStore(container);
        await store.SaveSnapshotAsync(new StoredSnapshot(new SnapshotHeader("s1", T0, null, []), large), CancellationToken.None);

        Assert.True(await ChunksOf("s1") > 1, "the document is split over several items");
        Assert.Equal(large, (await new CosmosReportingStore(container).LatestSnapshotAsync(CancellationToken.None))!.Document);

        await store.SaveSnapshotAsync(new StoredSnapshot(new SnapshotHeader("s2", T0.AddHours(1), "s1", []), "{\"id\":\"s2\"}"), CancellationToken.None);

        Assert.Equal(0, await ChunksOf("s1"));
        Assert.Equal("{\"id\":\"s2\"}", (await store.LatestSnapshotAsync(CancellationToken.None))!.Document);
    }

    [Fact]
    public async Task Racing_deliveries_of_one_study_leave_the_latest_version()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new CosmosReportingStore(container)).ToList();
        var versions = Enumerable.Range(0, 12).Select(i => ReportingStoreContractTests.Fact("k1", i % 2 == 0 ? "completed" : "failed", T0.AddMinutes(i))).ToList();

        await Task.WhenAll(versions.Select((fact, i) => stores[i % stores.Count].UpsertAsync(fact, CancellationToken.None)));

        var stored = Assert.Single(await stores[0].ListAsync(CancellationToken.None));
        Assert.Equal(T0.AddMinutes(11), stored.Version);
        Assert.Equal("failed", stored.Outcome);
    }

    [Fact]
    public async Task Racing_instances_agree_on_one_pseudonym_key()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => new CosmosReportingStore(container).GetOrCreatePseudonymKeyAsync(CancellationToken.None)));

        Assert.Single(keys.Select(Convert.ToHexString).Distinct());
    }

    [Fact]
    public void Facts_spread_over_the_fixed_buckets()
    {
        var buckets = Enumerable.Range(0, 1000).Select(i => CosmosReportingStore.FactBucket(Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)))[..32])).ToHashSet();

        Assert.Equal(CosmosReportingStore.AllFactBuckets.ToHashSet(), buckets);
    }

    private async Task<int> ChunksOf(string snapshotId)
    {
        var bucket = $"snapshot:{snapshotId}";
        var query = new QueryDefinition("SELECT * FROM c WHERE c.bucket = @bucket").WithParameter("@bucket", bucket);
        return (await CosmosJson.QueryAsync(container, query, new PartitionKey(bucket), CancellationToken.None)).Count;
    }
}
