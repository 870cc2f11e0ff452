using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>
/// One Cosmos container: its partition paths (hierarchical in production) and the composite indexes its ordered
/// queries need. infra/modules/cosmos.bicep declares the same containers; a test keeps the two in step.
/// </summary>
public sealed record CosmosContainerDefinition(string Name, IReadOnlyList<string> PartitionPaths, IReadOnlyList<IReadOnlyList<(string Path, CompositePathSortOrder Order)>> CompositeIndexes)
{
    public IReadOnlyList<string> PathsFor(CosmosPartitioning partitioning) =>
        partitioning == CosmosPartitioning.Hierarchical || PartitionPaths.Count == 1 ? PartitionPaths : [PartitionPaths[0]];

    public ContainerProperties Properties(CosmosPartitioning partitioning)
    {
        var paths = PathsFor(partitioning);
        var properties = paths.Count == 1 ? new ContainerProperties(Name, paths[0]) : new ContainerProperties(Name, paths.ToList());
        foreach (var index in CompositeIndexes)
        {
            properties.IndexingPolicy.CompositeIndexes.Add(new Collection<CompositePath>(
                index.Select(p => new CompositePath { Path = p.Path, Order = p.Order }).ToList()));
        }

        return properties;
    }
}

public static class CosmosContainers
{
    /// <summary>
    /// Study documents: tenant, then the patient bucket (Study.SubjectKey). A tenant's queries stay inside its prefix;
    /// no logical partition grows with the hospital's whole history.
    /// </summary>
    public static CosmosContainerDefinition Studies { get; } = new("studies", ["/tenantId", "/subjectKey"],
    [
        [("/updatedAt", CompositePathSortOrder.Descending), ("/id", CompositePathSortOrder.Descending)],
        // A filtered listing orders by the filter's field first (one value, so the same order): the page is read
        // from the index in order, however rare the value (ADR 0110).
        [("/status", CompositePathSortOrder.Descending), ("/updatedAt", CompositePathSortOrder.Descending), ("/id", CompositePathSortOrder.Descending)],
        [("/kind", CompositePathSortOrder.Descending), ("/updatedAt", CompositePathSortOrder.Descending), ("/id", CompositePathSortOrder.Descending)],
        [("/modality", CompositePathSortOrder.Descending), ("/updatedAt", CompositePathSortOrder.Descending), ("/id", CompositePathSortOrder.Descending)],
    ]);

    /// <summary>
    /// A study's instance records (ADR 0110): tenant, then the study, so a study's instances are one logical
    /// partition addressed by the study id alone and the study document stays small however many it has.
    /// </summary>
    public static CosmosContainerDefinition Instances { get; } = new("instances", ["/tenantId", "/studyId"], []);

    /// <summary>FHIR resources: tenant, then the study they belong to (a study's records are one small partition).</summary>
    public static CosmosContainerDefinition Records { get; } = new("records", ["/tenantId", "/studyId"], []);

    /// <summary>Audit trail: tenant, then UTC day, so a busy hospital's trail spreads over days instead of one hot key.</summary>
    public static CosmosContainerDefinition Audit { get; } = new("audit", ["/tenantId", "/day"], []);

    /// <summary>The tenant directory: a few hundred hospitals, one logical partition, read whole.</summary>
    public static CosmosContainerDefinition Tenants { get; } = new("tenants", ["/directory"], []);

    /// <summary>
    /// The DICOMweb index: tenant, then Study Instance UID (a study's study, series and instance items are one small
    /// partition). The composite indexes are the orders of the series search, the instance search and a study's instances.
    /// </summary>
    public static CosmosContainerDefinition Dicom { get; } = new("dicom", ["/tenantId", "/studyUid"],
    [
        [("/studySortKey", CompositePathSortOrder.Descending), ("/seriesNumber", CompositePathSortOrder.Ascending), ("/sortKey", CompositePathSortOrder.Ascending)],
        [("/studySortKey", CompositePathSortOrder.Descending), ("/seriesNumber", CompositePathSortOrder.Ascending), ("/seriesSortKey", CompositePathSortOrder.Ascending), ("/sortKey", CompositePathSortOrder.Ascending)],
        [("/seriesNumber", CompositePathSortOrder.Ascending), ("/seriesSortKey", CompositePathSortOrder.Ascending), ("/sortKey", CompositePathSortOrder.Ascending)],
    ]);

    /// <summary>
    /// The reporting cube (ADR 0085): study contributions over a fixed set of 16 fact buckets (a national read is 16
    /// single-partition queries), the pseudonym key and the snapshots in buckets of their own. No tenant key: it holds
    /// no tenant data, only keyed hashes and facility-level counts.
    /// </summary>
    public static CosmosContainerDefinition Reporting { get; } = new("reporting", ["/bucket"], []);

    public static IReadOnlyList<CosmosContainerDefinition> All { get; } = [Studies, Instances, Records, Audit, Tenants, Dicom, Reporting];
}
