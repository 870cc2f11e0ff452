using System.Text.Json.Serialization;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Studies;

[JsonConverter(typeof(JsonStringEnumConverter<StudyKind>))]
public enum StudyKind
{
    /// <summary>Not known yet: the document could not be parsed.</summary>
    Unknown,
    Imaging,
    Ecg,
    Audiogram,
}

[JsonConverter(typeof(JsonStringEnumConverter<StudyStatus>))]
public enum StudyStatus
{
    Received,
    Queued,
    Analysing,
    Completed,
    Rejected,
    Failed,
    NoAnalyser,
}

[JsonConverter(typeof(JsonStringEnumConverter<AdministrativeSex>))]
public enum AdministrativeSex
{
    Unknown,
    Male,
    Female,
    Other,
}

/// <summary>
/// The study document: one per (tenant, study). Stored whole (SQLite row / Cosmos item) with an ETag for optimistic
/// concurrency. <see cref="SubjectKey"/> is the second level of the Cosmos hierarchical partition key.
/// </summary>
public sealed class Study
{
    public required string Id { get; init; }

    public required TenantId Tenant { get; init; }

    /// <summary>Bucket of the patient key (see <see cref="StudyIds.SubjectKey"/>), so no logical partition grows without bound.</summary>
    public required string SubjectKey { get; init; }

    public StudyKind Kind { get; set; }

    /// <summary>DICOM Study Instance UID, or the document id of an ECG / audiogram; null when unparseable.</summary>
    public string? StudyInstanceUid { get; set; }

    public PatientReference? Patient { get; set; }

    public DateOnly? StudyDate { get; set; }

    /// <summary>Age at the study in days (from birth date and study date, or DICOM Patient's Age).</summary>
    public int? PatientAgeInDays { get; set; }

    public string? Description { get; set; }

    public StudyStatus Status { get; set; }

    /// <summary>Why the study is rejected / failed / has no analyser.</summary>
    public StatusReason? Reason { get; set; }

    /// <summary>When each status was (last) entered.</summary>
    public Dictionary<StudyStatus, DateTimeOffset> StatusTimes { get; set; } = [];

    public List<StudyInstance> Instances { get; set; } = [];

    public List<AnalysisRecord> Analyses { get; set; } = [];

    /// <summary>Set by the store on read/write; null for a study that has never been saved.</summary>
    [JsonIgnore]
    public string? ETag { get; set; }

    public DateTimeOffset CreatedAt => StatusTimes.Count == 0 ? default : StatusTimes.Values.Min();

    public DateTimeOffset UpdatedAt => StatusTimes.Count == 0 ? default : StatusTimes.Values.Max();

    public string? Modality => Instances.Select(i => i.Metadata.Modality).FirstOrDefault(m => !string.IsNullOrEmpty(m));

    public bool IsFinal => Status is StudyStatus.Completed or StudyStatus.Rejected or StudyStatus.Failed or StudyStatus.NoAnalyser;

    public void MoveTo(StudyStatus status, DateTimeOffset at, StatusReason? reason = null)
    {
        Status = status;
        Reason = reason;
        StatusTimes[status] = at;
    }
}

/// <summary>A machine-readable code (kebab-case, documented in docs/api.md) and a human message.</summary>
public sealed record StatusReason(string Code, string Message);

/// <summary>Patient identity is (tenant, issuer, id): two hospitals' "12345" are two patients.</summary>
public sealed record PatientReference(
    string Issuer,
    string Id,
    string? Name = null,
    DateOnly? BirthDate = null,
    AdministrativeSex Sex = AdministrativeSex.Unknown);

/// <summary>One original document of a study, stored byte-for-byte under its SHA-256.</summary>
public sealed record StudyInstance
{
    /// <summary>SOP Instance UID for DICOM; document id for other kinds; "sha256:..." when unparseable.</summary>
    public required string InstanceUid { get; init; }

    public string? SeriesInstanceUid { get; init; }

    public int? SeriesNumber { get; init; }

    public int? InstanceNumber { get; init; }

    public required string ContentType { get; init; }

    public required string Sha256 { get; init; }

    public required long Length { get; init; }

    public InstanceMetadata Metadata { get; init; } = new();

    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>http or inbox:{path}, for the audit trail.</summary>
    public string? Source { get; init; }
}

/// <summary>One analyser's run over the study.</summary>
public sealed record AnalysisRecord(AnalyserDescriptor Analyser, AnalyserResult Result, DateTimeOffset CompletedAt);
