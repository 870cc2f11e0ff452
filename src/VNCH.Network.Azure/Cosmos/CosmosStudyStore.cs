using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>
/// Study documents in the <c>studies</c> container. Each item is an envelope: the fields queries filter and sort on
/// (tenant, subject bucket, status, kind, modality, sortable update time) beside the whole study. Writes are
/// optimistic (create, or replace If-Match the ETag); every read and query carries the tenant prefix key. Instance
/// records are items of the <c>instances</c> container, one logical partition per study (ADR 0110).
/// </summary>
public sealed class CosmosStudyStore(Container container, Container instances, CosmosKeys keys) : IStudyStore
{
    private const int MaxPageSize = 500;

    public async Task<Study?> GetAsync(TenantId tenant, string studyId, CancellationToken cancellationToken)
    {
        // The id alone does not give the subject bucket: a query inside the tenant prefix finds it.
        var query = new QueryDefinition("SELECT * FROM c WHERE c.tenantId = @tenant AND c.id = @id")
            .WithParameter("@tenant", tenant.Value)
            .WithParameter("@id", studyId);
        var documents = await CosmosJson.QueryAsync(container, query, keys.TenantPrefix(tenant), cancellationToken);
        return documents.Count == 0 ? null : ToStudy(documents[0]);
    }

    public async Task SaveAsync(Study study, CancellationToken cancellationToken)
    {
        var partitionKey = keys.Full(study.Tenant, study.SubjectKey);
        using var content = CosmosJson.ToStream(ToDocument(study));
        using var response = study.ETag is null
            ? await container.CreateItemStreamAsync(content, partitionKey, cancellationToken: cancellationToken)
            : await container.ReplaceItemStreamAsync(content, study.Id, partitionKey, new ItemRequestOptions { IfMatchEtag = study.ETag }, cancellationToken);
        if (CosmosJson.IsConflict(response.StatusCode))
        {
            throw new ConcurrencyConflictException(study.ETag is null
                ? $"Study {study.Id} already exists in tenant {study.Tenant}."
                : $"Study {study.Id} in tenant {study.Tenant} changed since it was read.");
        }

        CosmosJson.EnsureSuccess(response);
        study.ETag = response.Headers.ETag;
    }

    public async Task<InstanceLocation?> FindInstanceAsync(TenantId tenant, string instanceUid, CancellationToken cancellationToken)
    {
        // Within the tenant's prefix, on the indexed UID: the studies' partitions of one hospital, never another's.
        var query = new QueryDefinition("SELECT c.studyId, c.sha256 FROM c WHERE c.tenantId = @tenant AND c.uid = @uid")
            .WithParameter("@tenant", tenant.Value)
            .WithParameter("@uid", instanceUid);
        var documents = await CosmosJson.QueryAsync(instances, query, keys.TenantPrefix(tenant), cancellationToken);
        return documents.Count == 0 ? null : new InstanceLocation((string)documents[0]["studyId"]!, (string)documents[0]["sha256"]!);
    }

    public async Task<HeldInstance?> AddInstanceAsync(TenantId tenant, string studyId, StudyInstance instance, CancellationToken cancellationToken)
    {
        // The item id is the UID's within the study, so of racing creates one wins and the rest get 409 and read it.
        var id = InstanceItemId(studyId, instance.InstanceUid);
        var partitionKey = keys.Full(tenant, studyId);
        var item = new JsonObject
        {
            ["id"] = id,
            ["tenantId"] = tenant.Value,
            ["studyId"] = studyId,
            ["uid"] = instance.InstanceUid,
            ["sha256"] = instance.Sha256,
            ["receivedAt"] = CosmosJson.SortableTime(instance.ReceivedAt),
            ["instance"] = CosmosJson.ToNode(instance),
        };
        using var content = CosmosJson.ToStream(item);
        using var response = await instances.CreateItemStreamAsync(content, partitionKey, cancellationToken: cancellationToken);
        if (response.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            CosmosJson.EnsureSuccess(response);
            return null;
        }

        using var read = await instances.ReadItemStreamAsync(id, partitionKey, cancellationToken: cancellationToken);
        CosmosJson.EnsureSuccess(read);
        var held = (await JsonNode.ParseAsync(read.Content, cancellationToken: cancellationToken))!.AsObject();
        return new HeldInstance(studyId, ToInstance(held));
    }

    public async Task<IReadOnlyList<StudyInstance>> ListInstancesAsync(TenantId tenant, string studyId, CancellationToken cancellationToken)
    {
        // One logical partition (full key); arrival order is restored here, cheaper than an ORDER BY per read.
        var query = new QueryDefinition("SELECT c.instance FROM c WHERE c.tenantId = @tenant AND c.studyId = @study")
            .WithParameter("@tenant", tenant.Value)
            .WithParameter("@study", studyId);
        var documents = await CosmosJson.QueryAsync(instances, query, keys.Full(tenant, studyId), cancellationToken);
        return documents.Select(ToInstance).OrderBy(i => i.ReceivedAt).ThenBy(i => i.InstanceUid, StringComparer.Ordinal).ToList();
    }

    public async Task<StudyPage> QueryAsync(TenantId tenant, StudyQuery query, CancellationToken cancellationToken)
    {
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var sql = new StringBuilder($"SELECT TOP {pageSize + 1} * FROM c WHERE c.tenantId = @tenant");
        var parameters = new Dictionary<string, object> { ["@tenant"] = tenant.Value };
        void Where(string condition, string name, object value)
        {
            sql.Append(" AND ").Append(condition);
            parameters[name] = value;
        }

        // The first equality filter leads the ORDER BY (one value: same order), matching a composite index.
        string? leading = null;
        if (query.Status is { } status)
        {
            Where("c.status = @status", "@status", status.ToString());
            leading ??= "c.status DESC, ";
        }

        if (query.Kind is { } kind)
        {
            Where("c.kind = @kind", "@kind", kind.ToString());
            leading ??= "c.kind DESC, ";
        }

        if (!string.IsNullOrEmpty(query.Modality))
        {
            Where("c.modality = @modality", "@modality", query.Modality);
            leading ??= "c.modality DESC, ";
        }

        if (query.Since is { } since)
        {
            Where("c.updatedAt >= @since", "@since", CosmosJson.SortableTime(since));
        }

        if (query.ContinuationToken is { } token)
        {
            // Keyset paging: strictly after the last item returned, in (updatedAt desc, id desc) order.
            var after = PageCursor.Decode(token);
            Where("(c.updatedAt < @afterUpdated OR (c.updatedAt = @afterUpdated AND c.id < @afterId))", "@afterUpdated", after.UpdatedAt);
            parameters["@afterId"] = after.Id;
        }

        sql.Append(" ORDER BY ").Append(leading).Append("c.updatedAt DESC, c.id DESC");
        var definition = new QueryDefinition(sql.ToString());
        foreach (var (name, value) in parameters)
        {
            definition = definition.WithParameter(name, value);
        }

        var documents = await CosmosJson.QueryAsync(container, definition, keys.TenantPrefix(tenant), cancellationToken, pageSize + 1);
        var items = documents.Take(pageSize).Select(ToStudy).ToList();
        var next = documents.Count > pageSize
            ? new PageCursor((string)documents[pageSize - 1]["updatedAt"]!, items[^1].Id).Encode()
            : null;
        return new StudyPage(items, next);
    }

    internal static JsonObject ToDocument(Study study) => new()
    {
        ["id"] = study.Id,
        ["tenantId"] = study.Tenant.Value,
        ["subjectKey"] = study.SubjectKey,
        ["status"] = study.Status.ToString(),
        ["kind"] = study.Kind.ToString(),
        ["modality"] = study.Modality,
        ["updatedAt"] = CosmosJson.SortableTime(study.UpdatedAt),
        ["study"] = CosmosJson.ToNode(study),
    };

    /// <summary>Deterministic, and safe as an item id whatever characters a document id holds.</summary>
    private static string InstanceItemId(string studyId, string instanceUid) => StudyIds.Uuid($"instance|{studyId}|{instanceUid}");

    private static StudyInstance ToInstance(JsonObject item) =>
        CosmosJson.FromNode<StudyInstance>(item["instance"] ?? throw new JsonException($"Instance item {item["id"]} has no body."));

    private static Study ToStudy(JsonObject document)
    {
        var study = CosmosJson.FromNode<Study>(document["study"] ?? throw new JsonException($"Study item {document["id"]} has no body."));
        study.ETag = (string?)document["_etag"];
        return study;
    }

    /// <summary>The opaque continuation token: the sort key of the last item of the page. Decoding a token this store did not issue throws <see cref="FormatException"/>.</summary>
    internal sealed record PageCursor(string UpdatedAt, string Id)
    {
        public string Encode() => Base64UrlEncode(JsonSerializer.SerializeToUtf8Bytes(this, CosmosJson.Options));

        public static PageCursor Decode(string token)
        {
            try
            {
                var cursor = JsonSerializer.Deserialize<PageCursor>(Base64UrlDecode(token), CosmosJson.Options);
                if (cursor is { UpdatedAt.Length: > 0, Id.Length: > 0 })
                {
                    return cursor;
                }
            }
            catch (JsonException)
            {
            }

            throw new FormatException("Malformed continuation token.");
        }

        private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        private static byte[] Base64UrlDecode(string text)
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
        }
    }
}
