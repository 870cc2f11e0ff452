using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.DicomWeb;

/// <summary>What a retrieval asks for: a study, one of its series, or one instance.</summary>
public sealed record DicomResourceScope(string StudyInstanceUid, string? SeriesInstanceUid = null, string? SopInstanceUid = null)
{
    public string Describe() => SopInstanceUid is not null ? $"instance {SopInstanceUid}" : SeriesInstanceUid is not null ? $"series {SeriesInstanceUid}" : $"study {StudyInstanceUid}";
}

public enum DicomResourceMissing
{
    None,
    Study,
    Series,
    Instance,
}

/// <summary>The instances in scope, or which level is missing (another hospital's UIDs are simply missing).</summary>
public sealed record DicomResources(IReadOnlyList<DicomStoredInstance> Instances, DicomResourceMissing Missing);

/// <summary>
/// The DICOMweb read side over the index, always within the caller's tenant, each search and retrieval audited
/// (who, which study, what was done, outcome).
/// </summary>
public sealed class DicomWebQueries(IDicomIndex index, IOriginalStore originals, IAuditSink audit, TimeProvider time)
{
    public const string SearchAction = "dicomweb.search";

    public async Task<IReadOnlyList<DicomStudyMatch>> SearchStudiesAsync(Caller caller, DicomQuery query, CancellationToken cancellationToken)
    {
        var found = await index.SearchStudiesAsync(caller.Tenant, query, cancellationToken);
        await AuditSearchAsync(caller, DicomQueryLevel.Study, query, found.Count, cancellationToken);
        return found;
    }

    public async Task<IReadOnlyList<DicomSeriesMatch>> SearchSeriesAsync(Caller caller, DicomQuery query, CancellationToken cancellationToken)
    {
        var found = await index.SearchSeriesAsync(caller.Tenant, query, cancellationToken);
        await AuditSearchAsync(caller, DicomQueryLevel.Series, query, found.Count, cancellationToken);
        return found;
    }

    public async Task<IReadOnlyList<DicomInstanceMatch>> SearchInstancesAsync(Caller caller, DicomQuery query, CancellationToken cancellationToken)
    {
        var found = await index.SearchInstancesAsync(caller.Tenant, query, cancellationToken);
        await AuditSearchAsync(caller, DicomQueryLevel.Instance, query, found.Count, cancellationToken);
        return found;
    }

    /// <summary>
    /// The stored instances of a study, series or instance for a retrieval named by <paramref name="action"/>
    /// (e.g. dicomweb.retrieve, dicomweb.metadata, dicomweb.rendered), audited with the study it touched.
    /// </summary>
    public async Task<DicomResources> FindAsync(Caller caller, DicomResourceScope scope, string action, CancellationToken cancellationToken)
    {
        var instances = await index.GetInstancesAsync(caller.Tenant, scope.StudyInstanceUid, scope.SeriesInstanceUid, scope.SopInstanceUid, cancellationToken);
        var missing = DicomResourceMissing.None;
        if (instances.Count == 0)
        {
            missing = scope.SeriesInstanceUid is null
                || (await index.GetInstancesAsync(caller.Tenant, scope.StudyInstanceUid, null, null, cancellationToken)).Count == 0
                    ? DicomResourceMissing.Study
                    : scope.SopInstanceUid is null
                        || (await index.GetInstancesAsync(caller.Tenant, scope.StudyInstanceUid, scope.SeriesInstanceUid, null, cancellationToken)).Count == 0
                            ? DicomResourceMissing.Series
                            : DicomResourceMissing.Instance;
        }

        await audit.WriteAsync(new AuditRecord(time.GetUtcNow(), caller.Subject, caller.Tenant, action, "Study",
            instances.Count > 0 ? instances[0].StudyId : null,
            instances.Count > 0 ? AuditOutcomes.Success : AuditOutcomes.NotFound, caller.CorrelationId,
            $"{scope.Describe()} (study {scope.StudyInstanceUid}): {instances.Count} instance(s)"), cancellationToken);
        return new DicomResources(instances, missing);
    }

    /// <summary>The stored original of an instance <see cref="FindAsync"/> returned, byte for byte (the caller's tenant only).</summary>
    public Task<Stream> OpenAsync(Caller caller, DicomStoredInstance instance, CancellationToken cancellationToken) =>
        originals.OpenAsync(caller.Tenant, instance.Sha256, cancellationToken);

    /// <summary>Which keys were used, not their values: the audit trail should not copy patient names around.</summary>
    private Task AuditSearchAsync(Caller caller, DicomQueryLevel level, DicomQuery query, int count, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(time.GetUtcNow(), caller.Subject, caller.Tenant, SearchAction, level.ToString(), null,
            AuditOutcomes.Success, caller.CorrelationId,
            $"keys [{string.Join(", ", query.Matches.Select(m => m.Info.Name))}] offset {query.Offset} limit {query.Limit}: {count} result(s)"), cancellationToken);
}
