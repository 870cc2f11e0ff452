using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Records;

/// <summary>
/// Per-tenant FHIR R4 resources (JSON), grouped by the study they were derived from. Ids are deterministic, so
/// re-processing a study replaces its set instead of adding to it. Kept free of Firely types so adapters only move JSON.
/// </summary>
public interface IRecordStore
{
    /// <summary>
    /// Makes <paramref name="records"/> the study's resource set: upserts each by (type, id) and removes resources
    /// of the study that are no longer produced. A shared resource (Patient, Device) is kept with every study using it.
    /// </summary>
    Task ReplaceForStudyAsync(TenantId tenant, string studyId, IReadOnlyList<FhirRecord> records, CancellationToken cancellationToken);

    /// <summary>The study's resources in <see cref="FhirRecordOrder"/>; empty when there are none.</summary>
    Task<IReadOnlyList<FhirRecord>> GetForStudyAsync(TenantId tenant, string studyId, CancellationToken cancellationToken);
}

public sealed record FhirRecord(string ResourceType, string Id, string StudyId, string Json);

/// <summary>Stable order of a study's resources (Patient first), so bundles are reproducible.</summary>
public static class FhirRecordOrder
{
    private static readonly string[] TypeOrder = ["Patient", "ImagingStudy", "Device", "DiagnosticReport", "Observation", "Provenance"];

    public static IReadOnlyList<FhirRecord> Sort(IEnumerable<FhirRecord> records) =>
        records
            .OrderBy(r => Array.IndexOf(TypeOrder, r.ResourceType) is var i and >= 0 ? i : TypeOrder.Length)
            .ThenBy(r => r.ResourceType, StringComparer.Ordinal)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
}
