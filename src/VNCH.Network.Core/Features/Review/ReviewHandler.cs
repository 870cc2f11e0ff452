using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Review;

public enum ReviewStatus
{
    Reviewed,
    NotFound,

    /// <summary>No If-Match (or <c>*</c>): a review must name the version the clinician saw (HTTP 428).</summary>
    PreconditionRequired,

    /// <summary>The study changed since the clinician read it, or a concurrent review won (HTTP 412).</summary>
    PreconditionFailed,

    /// <summary>The study is not analysed (yet), so there is nothing to review (HTTP 409).</summary>
    NotReviewable,

    /// <summary>The request does not fit the study's findings (HTTP 400).</summary>
    Invalid,
}

public sealed record ReviewOutcome(ReviewStatus Status, Study? Study = null, StudyReview? Review = null, string? Detail = null);

/// <summary>
/// The review workflow (ADR 0090): one conditional write of the study decides between concurrent reviews (the
/// loser gets <see cref="ReviewStatus.PreconditionFailed"/>, nothing is merged or lost); then the FHIR records,
/// the result event and the audit record follow from the study as saved.
/// </summary>
public sealed class ReviewHandler(IStudyStore studies, IRecordStore records, IEventPublisher events, IAuditSink audit, TimeProvider time)
{
    public const string Action = "study.review";

    /// <param name="ifMatch">The entity tags of If-Match, without quotes; null when the header is absent.</param>
    public async Task<ReviewOutcome> ReviewAsync(
        Caller caller, Reviewer reviewer, string studyId, IReadOnlyList<string>? ifMatch, ReviewRequest request, CancellationToken cancellationToken)
    {
        var study = await studies.GetAsync(caller.Tenant, studyId, cancellationToken);
        if (study is null)
        {
            await AuditAsync(caller, studyId, AuditOutcomes.NotFound, null, cancellationToken);
            return new ReviewOutcome(ReviewStatus.NotFound);
        }

        if (ifMatch is null || ifMatch.Contains("*"))
        {
            await AuditAsync(caller, studyId, AuditOutcomes.Rejected, "no If-Match with the study's ETag", cancellationToken);
            return new ReviewOutcome(ReviewStatus.PreconditionRequired, study);
        }

        if (!ifMatch.Contains(StudyETags.Opaque(study.ETag!), StringComparer.Ordinal))
        {
            await AuditAsync(caller, studyId, AuditOutcomes.Conflict, "stale ETag", cancellationToken);
            return new ReviewOutcome(ReviewStatus.PreconditionFailed, study);
        }

        if (!StudyLifecycle.IsReviewable(study.Status))
        {
            await AuditAsync(caller, studyId, AuditOutcomes.Rejected, $"study is {study.Status}", cancellationToken);
            return new ReviewOutcome(ReviewStatus.NotReviewable, study, Detail: $"The study is {study.Status}; only an analysed study (completed or reviewed) can be reviewed.");
        }

        var (decisions, problems) = FindingKeys.Decide(study, request);
        if (problems.Count > 0)
        {
            await AuditAsync(caller, studyId, AuditOutcomes.Rejected, "invalid review", cancellationToken);
            return new ReviewOutcome(ReviewStatus.Invalid, study, Detail: string.Join(" ", problems));
        }

        var review = study.Review(new StudyReview
        {
            Reviewer = reviewer,
            Decision = request.Decision,
            Comment = string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim(),
            Findings = decisions,
            At = time.GetUtcNow(),
        });
        try
        {
            // Conditional on the ETag the clinician saw (If-Match = study.ETag here): of two reviews of one version,
            // the store lets exactly one replace it.
            await studies.SaveAsync(study, cancellationToken);
        }
        catch (ConcurrencyConflictException)
        {
            await AuditAsync(caller, studyId, AuditOutcomes.Conflict, "a concurrent change won", cancellationToken);
            return new ReviewOutcome(ReviewStatus.PreconditionFailed);
        }

        // The records are derived from the study as saved (same ids, so a repeat rewrites them); the preliminary
        // resources keep the issue time they were written with when the analysis completed.
        var issued = study.StatusTimes.GetValueOrDefault(StudyStatus.Completed, review.At);
        var instances = await studies.ListInstancesAsync(study.Tenant, study.Id, cancellationToken);
        await records.ReplaceForStudyAsync(study.Tenant, study.Id, FhirStudyMapper.ToRecords(study, FhirStudyMapper.Map(study, instances, issued)), cancellationToken);
        await events.PublishAsync(new StudyResultEvent(study.Tenant, study.Id, study.Status, study.Kind, review.At), cancellationToken);
        await AuditAsync(caller, studyId, AuditOutcomes.Success,
            $"review {review.Number} ({review.ReportStatus}) by {reviewer.Id}: " +
            string.Join(", ", decisions.GroupBy(d => d.Decision).OrderBy(g => g.Key).Select(g => $"{ReviewDecisions.Name(g.Key)} {g.Count()}")),
            cancellationToken);
        return new ReviewOutcome(ReviewStatus.Reviewed, study, review);
    }

    /// <summary>Whether the caller's hospital has the study: an unreadable review body is a 400 only for a study it can see.</summary>
    public async Task<bool> ExistsAsync(Caller caller, string studyId, CancellationToken cancellationToken)
    {
        var exists = await studies.GetAsync(caller.Tenant, studyId, cancellationToken) is not null;
        await AuditAsync(caller, studyId, exists ? AuditOutcomes.Rejected : AuditOutcomes.NotFound, exists ? "unreadable review body" : null, cancellationToken);
        return exists;
    }

    private Task AuditAsync(Caller caller, string studyId, string outcome, string? detail, CancellationToken cancellationToken) =>
        audit.WriteAsync(new AuditRecord(time.GetUtcNow(), caller.Subject, caller.Tenant, Action, "Study", studyId, outcome, caller.CorrelationId, detail), cancellationToken);
}

/// <summary>The study's version as HTTP shows it: the store's ETag as an opaque tag (quoted in headers).</summary>
public static class StudyETags
{
    /// <summary>The tag without quotes (Cosmos ETags carry their own).</summary>
    public static string Opaque(string storeETag) => storeETag.Trim('"');

    /// <summary>The ETag header value: a strong entity tag.</summary>
    public static string Header(string storeETag) => $"\"{Opaque(storeETag)}\"";

    /// <summary>
    /// The tags of an If-Match header, unquoted (weak tags never match: RFC 9110 uses strong comparison for
    /// If-Match); null when the header is absent or blank.
    /// </summary>
    public static IReadOnlyList<string>? ParseIfMatch(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        return header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(t => !t.StartsWith("W/", StringComparison.Ordinal))
            .Select(t => t == "*" ? t : t.Trim('"'))
            .ToList();
    }
}
