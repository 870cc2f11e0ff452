using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.DicomWeb;

/// <summary>
/// The DICOMweb index: per (tenant, study, series, instance) the attributes QIDO-RS matches and returns, and where the
/// original lies for WADO-RS. Written by ingestion for every stored DICOM instance; every read takes the tenant, so
/// the same UIDs in two hospitals are two studies. Adding an instance that is already indexed changes nothing.
/// </summary>
public interface IDicomIndex
{
    Task AddAsync(DicomIndexEntry entry, CancellationToken cancellationToken);

    /// <summary>Studies matching every condition, newest indexed first, <see cref="DicomQuery.Offset"/> skipped.</summary>
    Task<IReadOnlyList<DicomStudyMatch>> SearchStudiesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken);

    /// <summary>Series matching every condition (study-level conditions apply to the series' study).</summary>
    Task<IReadOnlyList<DicomSeriesMatch>> SearchSeriesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken);

    /// <summary>Instances matching every condition (study and series conditions apply to their study and series).</summary>
    Task<IReadOnlyList<DicomInstanceMatch>> SearchInstancesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The stored instances of a study, one of its series or one instance (null UIDs widen the scope), ordered by
    /// series then instance number; empty when the tenant has no such study.
    /// </summary>
    Task<IReadOnlyList<DicomStoredInstance>> GetInstancesAsync(
        TenantId tenant, string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken);
}

/// <summary>One instance to index: where its original is and what it says.</summary>
/// <param name="StudyId">The network's study id (the Study document) the instance belongs to.</param>
public sealed record DicomIndexEntry(TenantId Tenant, string StudyId, string Sha256, long Length, DicomInstanceAttributes Attributes);

/// <summary>A study as QIDO returns it: its attributes (DICOM JSON of its first instance) and what is computed.</summary>
public sealed record DicomStudyMatch(
    string StudyInstanceUid, string StudyId, string AttributesJson, int SeriesCount, int InstanceCount, IReadOnlyList<string> Modalities);

public sealed record DicomSeriesMatch(string SeriesInstanceUid, string AttributesJson, int InstanceCount, DicomStudyMatch Study);

public sealed record DicomInstanceMatch(string SopInstanceUid, string AttributesJson, DicomSeriesMatch Series);

/// <summary>What WADO-RS needs to serve one instance: the UIDs, the original and its transfer syntax.</summary>
public sealed record DicomStoredInstance(
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string SopInstanceUid,
    string SopClassUid,
    string TransferSyntaxUid,
    string StudyId,
    string Sha256,
    long Length,
    int? NumberOfFrames);
