using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>
/// FHIR resources in the <c>records</c> container, partitioned (tenant, study): reading a study's records is one
/// single-partition query. A resource shared by studies (the Patient) is kept in each study's partition that wrote
/// it; ids are deterministic, so every copy is the same resource.
/// </summary>
public sealed class CosmosRecordStore(Container container, CosmosKeys keys) : IRecordStore
{
    public async Task UpsertAsync(TenantId tenant, IReadOnlyList<FhirRecord> records, CancellationToken cancellationToken)
    {
        foreach (var record in records)
        {
            var document = new JsonObject
            {
                // '/' is not allowed in Cosmos ids.
                ["id"] = $"{record.ResourceType}|{record.Id}",
                ["tenantId"] = tenant.Value,
                ["studyId"] = record.StudyId,
                ["resourceType"] = record.ResourceType,
                ["resourceId"] = record.Id,
                // Kept as the exact JSON text the mapper produced.
                ["json"] = record.Json,
            };
            using var content = CosmosJson.ToStream(document);
            using var response = await container.UpsertItemStreamAsync(content, keys.Full(tenant, record.StudyId), cancellationToken: cancellationToken);
            CosmosJson.EnsureSuccess(response);
        }
    }

    public async Task<IReadOnlyList<FhirRecord>> GetForStudyAsync(TenantId tenant, string studyId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.tenantId = @tenant AND c.studyId = @study")
            .WithParameter("@tenant", tenant.Value)
            .WithParameter("@study", studyId);
        var documents = await CosmosJson.QueryAsync(container, query, keys.Full(tenant, studyId), cancellationToken);
        return documents
            .Select(d => new FhirRecord((string)d["resourceType"]!, (string)d["resourceId"]!, (string)d["studyId"]!, (string)d["json"]!))
            .OrderBy(r => r.ResourceType, StringComparer.Ordinal)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
    }
}
