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

    /// <summary>A clinician confirmed, rejected or amended the analysers' findings (issue 11, ADR 0090).</summary>
    Reviewed,
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
/// concurrency. <see cref="SubjectKey"/> is the second level of the Cosmos hierarchical partition key. Its instances
/// are records of their own (<see cref="IStudyStore.AddInstanceAsync"/>, ADR 0110): the document keeps only small
/// aggregates, so it stays the same size however many instances the study has.
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

    /// <summary>Where the study is in its lifecycle; changed only by the transition methods below (ADR 0006).</summary>
    [JsonInclude]
    public StudyStatus Status { get; private set; }

    /// <summary>Why the study is rejected / failed / has no analyser.</summary>
    [JsonInclude]
    public StatusReason? Reason { get; private set; }

    /// <summary>When each status was (last) entered.</summary>
    [JsonInclude]
    public Dictionary<StudyStatus, DateTimeOffset> StatusTimes { get; private set; } = [];

    /// <summary>How many instance records the study has (kept by ingestion, recounted by analysis; ADR 0110).</summary>
    public int InstanceCount { get; set; }

    /// <summary>The first modality an instance named (DICOM Modality), for listing and routing without the instances.</summary>
    public string? Modality { get; set; }

    /// <summary>When the study's first document arrived (kept once; status times move on with each arrival).</summary>
    public DateTimeOffset? FirstReceivedAt { get; set; }

    public List<AnalysisRecord> Analyses { get; set; } = [];

    /// <summary>Clinicians' reviews, oldest first; the last one is in force (ADR 0090). Added only by <see cref="Review"/>.</summary>
    [JsonInclude]
    public List<Features.Review.StudyReview> Reviews { get; private set; } = [];

    /// <summary>Set by the store on read/write; null for a study that has never been saved.</summary>
    [JsonIgnore]
    public string? ETag { get; set; }

    public DateTimeOffset CreatedAt => StatusTimes.Count == 0 ? default : StatusTimes.Values.Min();

    public DateTimeOffset UpdatedAt => StatusTimes.Count == 0 ? default : StatusTimes.Values.Max();

    public bool IsFinal => StudyLifecycle.IsFinal(Status);

    /// <summary>
    /// A document of the study arrived (the first, or one more): analysis has to run (again). A study already
    /// <c>queued</c> stays queued, since the pending work item analyses every instance; returns whether a work item
    /// must be queued.
    /// </summary>
    public bool Receive(DateTimeOffset at)
    {
        if (Status == StudyStatus.Queued)
        {
            return false;
        }

        Enter(StudyStatus.Received, at, null);
        return true;
    }

    /// <summary>
    /// Whether the study has taken in a document that arrived at <paramref name="arrivedAt"/>: it was (re)received or
    /// its analysis started at or after that time, or it waits in the queue, whose work item reads the instances when
    /// it runs. False when the writer that added the instance record stopped before updating the study (a
    /// retransmission then finishes it).
    /// </summary>
    public bool HasTakenIn(DateTimeOffset arrivedAt) =>
        Status == StudyStatus.Queued
        || (StatusTimes.TryGetValue(StudyStatus.Received, out var received) && received >= arrivedAt)
        || (StatusTimes.TryGetValue(StudyStatus.Analysing, out var analysing) && analysing >= arrivedAt);

    /// <summary>
    /// Accounts for one more instance record: the aggregates the document keeps instead of the instances
    /// themselves. Returns whether a work item must be queued (see <see cref="Receive"/>).
    /// </summary>
    public bool AddInstance(StudyInstance instance)
    {
        InstanceCount++;
        Modality ??= string.IsNullOrEmpty(instance.Metadata.Modality) ? null : instance.Metadata.Modality;
        FirstReceivedAt ??= instance.ReceivedAt;
        return Receive(instance.ReceivedAt);
    }

    /// <summary>The work item is in the queue.</summary>
    public void MarkQueued(DateTimeOffset at) => Enter(StudyStatus.Queued, at, null);

    /// <summary>
    /// A worker took the work item. From <c>received</c> when the worker won the race with ingestion's own
    /// <c>queued</c> update (the item was queued all the same, so that time is recorded too); from <c>analysing</c>
    /// when a delivery was lost and the item came back.
    /// </summary>
    public void StartAnalysis(DateTimeOffset at)
    {
        if (Status == StudyStatus.Received)
        {
            Enter(StudyStatus.Queued, at, null);
        }

        Enter(StudyStatus.Analysing, at, null);
    }

    /// <summary>Every applicable analyser produced its result.</summary>
    public void Complete(DateTimeOffset at) => Enter(StudyStatus.Completed, at, null);

    /// <summary>
    /// A clinician decided the findings of an analysed study: from <c>completed</c> the first review (its report is
    /// <c>final</c>), from <c>reviewed</c> a later one (its report is <c>amended</c>). The review is numbered here.
    /// </summary>
    public Features.Review.StudyReview Review(Features.Review.StudyReview review)
    {
        Enter(StudyStatus.Reviewed, review.At, null);
        var numbered = review with { Number = Reviews.Count + 1 };
        Reviews.Add(numbered);
        return numbered;
    }

    /// <summary>No analyser applies: final, and no result is made up.</summary>
    public void FinishWithoutAnalyser(DateTimeOffset at, StatusReason reason) => Enter(StudyStatus.NoAnalyser, at, reason);

    /// <summary>The document cannot be understood (at ingestion or by an analyser); the original is kept.</summary>
    public void Reject(DateTimeOffset at, StatusReason reason) => Enter(StudyStatus.Rejected, at, reason);

    /// <summary>Analysis failed on every attempt the retry policy allows, or its work item was poisoned.</summary>
    public void Fail(DateTimeOffset at, StatusReason reason) => Enter(StudyStatus.Failed, at, reason);

    private void Enter(StudyStatus next, DateTimeOffset at, StatusReason? reason)
    {
        if (StatusTimes.Count > 0 && !StudyLifecycle.IsAllowed(Status, next))
        {
            throw new InvalidStudyTransitionException(Id, Status, next);
        }

        if (StatusTimes.Count == 0 && next != StudyStatus.Received)
        {
            throw new InvalidStudyTransitionException(Id, null, next);
        }

        Status = next;
        Reason = reason;
        StatusTimes[next] = at;
    }
}

/// <summary>The study's state machine: the one place that says which status may follow which (ADR 0006).</summary>
public static class StudyLifecycle
{
    /// <summary>
    /// Allowed transitions. Every status but <c>queued</c> may go back to <c>received</c>: a new document re-opens
    /// analysis. <c>analysing</c> to itself is a delivery that came back after a worker was lost.
    /// </summary>
    public static IReadOnlyDictionary<StudyStatus, IReadOnlySet<StudyStatus>> Transitions { get; } = new Dictionary<StudyStatus, IReadOnlySet<StudyStatus>>
    {
        [StudyStatus.Received] = new HashSet<StudyStatus> { StudyStatus.Received, StudyStatus.Queued, StudyStatus.Rejected, StudyStatus.Failed },
        // A new document for a queued study leaves it queued: the pending item analyses every instance.
        [StudyStatus.Queued] = new HashSet<StudyStatus> { StudyStatus.Analysing, StudyStatus.Failed },
        [StudyStatus.Analysing] = new HashSet<StudyStatus>
        {
            StudyStatus.Received, StudyStatus.Analysing, StudyStatus.Completed, StudyStatus.NoAnalyser, StudyStatus.Rejected, StudyStatus.Failed,
        },
        [StudyStatus.Completed] = new HashSet<StudyStatus> { StudyStatus.Received, StudyStatus.Reviewed },
        // A later review amends the last one; a new document re-opens analysis (the reviews stay on the study).
        [StudyStatus.Reviewed] = new HashSet<StudyStatus> { StudyStatus.Received, StudyStatus.Reviewed },
        [StudyStatus.NoAnalyser] = new HashSet<StudyStatus> { StudyStatus.Received },
        [StudyStatus.Rejected] = new HashSet<StudyStatus> { StudyStatus.Received },
        [StudyStatus.Failed] = new HashSet<StudyStatus> { StudyStatus.Received },
    };

    public static bool IsAllowed(StudyStatus from, StudyStatus to) => Transitions[from].Contains(to);

    /// <summary>A final study waits for nothing: only a new document moves it again.</summary>
    public static bool IsFinal(StudyStatus status) =>
        status is StudyStatus.Completed or StudyStatus.Rejected or StudyStatus.Failed or StudyStatus.NoAnalyser or StudyStatus.Reviewed;

    /// <summary>Only a study whose analysers produced findings can be reviewed (again).</summary>
    public static bool IsReviewable(StudyStatus status) => status is StudyStatus.Completed or StudyStatus.Reviewed;
}

/// <summary>A status change the lifecycle does not allow: a bug in the caller, never a data problem.</summary>
public sealed class InvalidStudyTransitionException(string studyId, StudyStatus? from, StudyStatus to)
    : InvalidOperationException($"Study {studyId} cannot move from {from?.ToString() ?? "nothing"} to {to}.")
{
    public StudyStatus? From { get; } = from;

    public StudyStatus To { get; } = to;
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
