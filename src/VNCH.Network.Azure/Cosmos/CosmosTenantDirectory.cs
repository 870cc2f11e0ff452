using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>The tenant directory in the <c>tenants</c> container: one small logical partition holding every hospital.</summary>
public sealed class CosmosTenantDirectory(Container container) : ITenantDirectory
{
    private const string Directory = "hospitals";
    private static readonly PartitionKey Partition = new(Directory);

    public async Task<Tenant?> GetAsync(TenantId id, CancellationToken cancellationToken)
    {
        // A query rather than a point read: cosmosdb-server answers 500 instead of 404 for a missing point read,
        // and the directory is one small partition either way.
        var query = new QueryDefinition("SELECT * FROM c WHERE c.directory = @directory AND c.id = @id")
            .WithParameter("@directory", Directory)
            .WithParameter("@id", id.Value);
        var documents = await CosmosJson.QueryAsync(container, query, Partition, cancellationToken);
        return documents.Count == 0 ? null : CosmosJson.FromNode<Tenant>(documents[0]["tenant"]!);
    }

    public async Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.directory = @directory").WithParameter("@directory", Directory);
        var documents = await CosmosJson.QueryAsync(container, query, Partition, cancellationToken);
        return documents.Select(d => CosmosJson.FromNode<Tenant>(d["tenant"]!)).OrderBy(t => t.Id.Value, StringComparer.Ordinal).ToList();
    }

    public async Task UpsertAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        var document = new JsonObject
        {
            ["id"] = tenant.Id.Value,
            ["directory"] = Directory,
            ["tenant"] = CosmosJson.ToNode(tenant),
        };
        using var content = CosmosJson.ToStream(document);
        using var response = await container.UpsertItemStreamAsync(content, Partition, cancellationToken: cancellationToken);
        CosmosJson.EnsureSuccess(response);
    }
}
