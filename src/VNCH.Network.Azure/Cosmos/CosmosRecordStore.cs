using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>
/// FHIR resources in the <c>records</c> container, partitioned (tenant, study): a study's resource set is one small
/// logical partition, read by one single-partition query and replaced in place. A resource shared by studies (the
/// Patient, a Device) is kept in each study's partition that uses it; ids are deterministic, so the copies agree.
/// </summary>
public sealed class CosmosRecordStore(Container container, CosmosKeys keys) : IRecordStore
{
    public async Task ReplaceForStudyAsync(TenantId tenant, string studyId, IReadOnlyList<FhirRecord> records, CancellationToken cancellationToken)
    {
        var partitionKey = keys.Full(tenant, studyId);
        var existing = await QueryStudyAsync(tenant, studyId, cancellationToken);

        // Upsert first, then remove what is no longer produced: readers never see the study without its resources.
        foreach (var record in records)
        {
            using var content = CosmosJson.ToStream(ToDocument(tenant, studyId, record));
            using var response = await container.UpsertItemStreamAsync(content, partitionKey, cancellationToken: cancellationToken);
            CosmosJson.EnsureSuccess(response);
        }

        var kept = records.Select(r => DocumentId(studyId, r)).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in existing.Select(d => (string)d["id"]!).Where(id => !kept.Contains(id)))
        {
            using var response = await container.DeleteItemStreamAsync(stale, partitionKey, cancellationToken: cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
            {
                CosmosJson.EnsureSuccess(response);
            }
        }
    }

    public async Task<IReadOnlyList<FhirRecord>> GetForStudyAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        FhirRecordOrder.Sort((await QueryStudyAsync(tenant, studyId, cancellationToken))
            .Select(d => new FhirRecord((string)d["resourceType"]!, (string)d["resourceId"]!, (string)d["studyId"]!, (string)d["json"]!)));

    private Task<List<JsonObject>> QueryStudyAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        CosmosJson.QueryAsync(container,
            new QueryDefinition("SELECT * FROM c WHERE c.tenantId = @tenant AND c.studyId = @study")
                .WithParameter("@tenant", tenant.Value)
                .WithParameter("@study", studyId),
            keys.Full(tenant, studyId), cancellationToken);

    /// <summary>
    /// Unique per study even where the partition is the tenant alone (emulator layout), so a shared Patient keeps one
    /// copy per study. '/' is not allowed in Cosmos ids.
    /// </summary>
    private static string DocumentId(string studyId, FhirRecord record) => $"{studyId}|{record.ResourceType}|{record.Id}";

    private static JsonObject ToDocument(TenantId tenant, string studyId, FhirRecord record) => new()
    {
        ["id"] = DocumentId(studyId, record),
        ["tenantId"] = tenant.Value,
        ["studyId"] = studyId,
        ["resourceType"] = record.ResourceType,
        ["resourceId"] = record.Id,
        // The exact JSON text the mapper produced.
        ["json"] = record.Json,
    };
}
