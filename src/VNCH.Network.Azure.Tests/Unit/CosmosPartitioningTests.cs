using Microsoft.Azure.Cosmos;
using VNCH.Network.Azure.Cosmos;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Tests.Unit;

/// <summary>
/// The hierarchical layout cannot run on cosmosdb-server (it keys items by the first path only), so the keys and
/// container definitions the production layout sends are checked here.
/// </summary>
public sealed class CosmosPartitioningTests
{
    private static readonly TenantId Tenant = TenantId.Parse("vnch-children-1");

    [Fact]
    public void Hierarchical_keys_are_tenant_then_second_level_and_queries_use_the_tenant_prefix()
    {
        var keys = new CosmosKeys(CosmosPartitioning.Hierarchical);

        Assert.Equal("""["vnch-children-1","s07"]""", keys.Full(Tenant, "s07").ToString());
        Assert.Equal("""["vnch-children-1"]""", keys.TenantPrefix(Tenant).ToString());
        Assert.Equal(new PartitionKeyBuilder().Add("vnch-children-1").Add("s07").Build(), keys.Full(Tenant, "s07"));
    }

    [Fact]
    public void Tenant_only_layout_uses_the_tenant_alone()
    {
        var keys = new CosmosKeys(CosmosPartitioning.TenantOnly);

        Assert.Equal("""["vnch-children-1"]""", keys.Full(Tenant, "s07").ToString());
        Assert.Equal(keys.Full(Tenant, "s07"), keys.TenantPrefix(Tenant));
    }

    [Fact]
    public void A_missing_second_level_is_refused_rather_than_written_to_a_catch_all_partition()
    {
        Assert.ThrowsAny<ArgumentException>(() => new CosmosKeys(CosmosPartitioning.Hierarchical).Full(Tenant, ""));
    }

    [Fact]
    public void Production_containers_use_multi_hash_keys_version_2()
    {
        foreach (var definition in CosmosContainers.All.Where(c => c.PartitionPaths.Count > 1))
        {
            var properties = definition.Properties(CosmosPartitioning.Hierarchical);
            Assert.Equal(definition.PartitionPaths, properties.PartitionKeyPaths);
            // What the SDK sends when it creates the container (the kind is not public API).
            var sent = Newtonsoft.Json.Linq.JObject.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(properties))["partitionKey"]!;
            Assert.Equal("MultiHash", (string?)sent["kind"]);
            Assert.Equal(2, (int?)sent["version"]);
            Assert.Equal("/tenantId", properties.PartitionKeyPaths[0]);
        }

        var emulator = CosmosContainers.Studies.Properties(CosmosPartitioning.TenantOnly);
        Assert.Equal(["/tenantId"], emulator.PartitionKeyPaths);
    }

    [Fact]
    public void The_study_listing_order_has_its_composite_index()
    {
        var indexes = CosmosContainers.Studies.Properties(CosmosPartitioning.Hierarchical).IndexingPolicy.CompositeIndexes;
        Assert.Equal(["/updatedAt", "/id"], indexes[0].Select(p => p.Path));
        // Each listing filter leads an index of its own, followed by the page order (ADR 0110).
        Assert.Equal(["/status", "/kind", "/modality"], indexes.Skip(1).Select(i => i[0].Path));
        Assert.All(indexes.Skip(1), i => Assert.Equal(["/updatedAt", "/id"], i.Skip(1).Select(p => p.Path)));
        Assert.All(indexes.SelectMany(i => i), p => Assert.Equal(CompositePathSortOrder.Descending, p.Order));
    }

    [Fact]
    public void Subject_buckets_bound_the_logical_partitions_of_a_tenant()
    {
        var buckets = Enumerable.Range(0, 5000)
            .Select(i => StudyIds.SubjectKey(Tenant, new PatientReference("urn:oid:1.2", $"P{i}"), "x"))
            .Distinct()
            .ToList();

        Assert.Equal(StudyIds.SubjectBuckets, buckets.Count);
    }
}
