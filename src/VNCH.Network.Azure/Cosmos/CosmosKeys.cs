using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>Builds partition keys for a layout: the full (tenant, second level) key for point operations and the tenant prefix for queries.</summary>
public sealed class CosmosKeys(CosmosPartitioning partitioning)
{
    public CosmosPartitioning Partitioning => partitioning;

    public PartitionKey Full(TenantId tenant, string secondLevel) => Full(tenant.Value, secondLevel);

    /// <summary>For partition values that are not tenant ids (the audit trail's "no tenant" bucket).</summary>
    public PartitionKey Full(string tenant, string secondLevel)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentException.ThrowIfNullOrEmpty(secondLevel);
        return partitioning == CosmosPartitioning.Hierarchical
            ? new PartitionKeyBuilder().Add(tenant).Add(secondLevel).Build()
            : new PartitionKey(tenant);
    }

    /// <summary>Every query of tenant data carries this: it never leaves the tenant's key range.</summary>
    public PartitionKey TenantPrefix(TenantId tenant) =>
        partitioning == CosmosPartitioning.Hierarchical
            ? new PartitionKeyBuilder().Add(tenant.Value).Build()
            : new PartitionKey(tenant.Value);
}
