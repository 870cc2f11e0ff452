using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Core.Features.Analysis;

/// <summary>
/// What an analyser is given: the study kind, parsed metadata, and a way to open each original instance.
/// Deliberately carries no tenant, patient name or identifier.
/// </summary>
public sealed class AnalysisSubject
{
    public AnalysisSubject(StudyKind kind, IReadOnlyList<SubjectInstance> instances, int? patientAgeInDays, AdministrativeSex sex)
    {
        Kind = kind;
        Instances = instances;
        PatientAgeInDays = patientAgeInDays;
        Sex = sex;
    }

    public StudyKind Kind { get; }

    public IReadOnlyList<SubjectInstance> Instances { get; }

    /// <summary>Age at acquisition in days (neonates matter); null when birth date or study date is unknown.</summary>
    public int? PatientAgeInDays { get; }

    public AdministrativeSex Sex { get; }

    /// <summary>Modality of the first instance that has one (convenience for single-series subjects).</summary>
    public string? Modality => Instances.Select(i => i.Metadata.Modality).FirstOrDefault(m => m is not null);
}

/// <summary>Metadata parsed at ingestion for one original document.</summary>
public sealed record InstanceMetadata(
    string? Modality = null,
    string? BodyPart = null,
    string? ViewPosition = null,
    string? SopClassUid = null,
    string? TransferSyntaxUid = null,
    string? PhotometricInterpretation = null,
    int? Rows = null,
    int? Columns = null,
    int? NumberOfFrames = null);

/// <summary>One original document of the subject; <see cref="OpenAsync"/> streams the bytes as stored.</summary>
public sealed class SubjectInstance(
    string instanceUid,
    string contentType,
    InstanceMetadata metadata,
    Func<CancellationToken, Task<Stream>> open)
{
    public string InstanceUid { get; } = instanceUid;

    /// <summary>The media type the document arrived as (application/dicom, application/hl7-aecg+xml, ...).</summary>
    public string ContentType { get; } = contentType;

    public InstanceMetadata Metadata { get; } = metadata;

    public Task<Stream> OpenAsync(CancellationToken cancellationToken) => open(cancellationToken);
}
