using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Records;

/// <summary>
/// Per-tenant FHIR R4 resources (JSON). Upserts by (tenant, type, id): ids are deterministic, so re-processing
/// replaces. Kept free of Firely types so adapters only move JSON.
/// </summary>
public interface IRecordStore
{
    Task UpsertAsync(TenantId tenant, IReadOnlyList<FhirRecord> records, CancellationToken cancellationToken);

    /// <summary>Every resource linked to the study (including the shared Patient), in a stable order.</summary>
    Task<IReadOnlyList<FhirRecord>> GetForStudyAsync(TenantId tenant, string studyId, CancellationToken cancellationToken);
}

/// <param name="StudyId">The study the resource belongs to (Patient: the study that last wrote it).</param>
public sealed record FhirRecord(string ResourceType, string Id, string StudyId, string Json);
