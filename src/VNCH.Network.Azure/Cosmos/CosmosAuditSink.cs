using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>
/// Append-only audit trail in the <c>audit</c> container, partitioned (tenant, UTC day). Items are only ever
/// created. The id starts with the sortable time and a per-process sequence, so ordering by id is ordering by time
/// (and by write order within one instance when two records share a timestamp).
/// </summary>
public sealed class CosmosAuditSink(Container container, CosmosKeys keys) : IAuditSink
{
    /// <summary>Partition value for records that concern no tenant (e.g. a refused, unmapped caller). Not a valid tenant id.</summary>
    public const string NoTenant = "_none";

    private static long sequence;

    public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var time = CosmosJson.SortableTime(record.Time);
        var day = record.Time.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var tenant = record.Tenant?.Value ?? NoTenant;
        var document = new JsonObject
        {
            ["id"] = $"{time}|{Interlocked.Increment(ref sequence):D12}|{Guid.NewGuid():N}",
            ["tenantId"] = tenant,
            ["day"] = day,
            ["time"] = time,
            ["record"] = CosmosJson.ToNode(record),
        };
        using var content = CosmosJson.ToStream(document);
        using var response = await container.CreateItemStreamAsync(content, keys.Full(tenant, day), cancellationToken: cancellationToken);
        CosmosJson.EnsureSuccess(response);
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(TenantId tenant, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var sql = $"SELECT TOP {limit} * FROM c WHERE c.tenantId = @tenant" + (since is null ? string.Empty : " AND c.time >= @since") + " ORDER BY c.id";
        var query = new QueryDefinition(sql).WithParameter("@tenant", tenant.Value);
        if (since is { } from)
        {
            query = query.WithParameter("@since", CosmosJson.SortableTime(from));
        }

        var documents = await CosmosJson.QueryAsync(container, query, keys.TenantPrefix(tenant), cancellationToken);
        // Oldest first from `since` (newest last), like the embedded trail: callers page forward with a later since.
        return documents.Select(d => CosmosJson.FromNode<AuditRecord>(d["record"]!)).ToList();
    }
}
