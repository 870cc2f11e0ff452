using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Review;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Contracts.Fakes;

/// <summary>Puts a test study in any status by the lifecycle's own legal path (a study cannot jump there).</summary>
public static class StudyStates
{
    public static Study WalkTo(this Study study, StudyStatus status, DateTimeOffset at)
    {
        study.Receive(at);
        switch (status)
        {
            case StudyStatus.Received:
                break;
            case StudyStatus.Queued:
                study.MarkQueued(at);
                break;
            case StudyStatus.Rejected:
                study.Reject(at, new StatusReason(IngestReasons.CannotUnderstand, "test: rejected"));
                break;
            case StudyStatus.Failed:
                study.Fail(at, new StatusReason(IngestReasons.ProcessingFailure, "test: failed"));
                break;
            default:
                study.MarkQueued(at);
                study.StartAnalysis(at);
                if (status is StudyStatus.Completed or StudyStatus.Reviewed)
                {
                    study.Complete(at);
                }

                if (status == StudyStatus.Reviewed)
                {
                    study.Review(TestReview(at));
                }
                else if (status == StudyStatus.NoAnalyser)
                {
                    study.FinishWithoutAnalyser(at, new StatusReason(IngestReasons.NoAnalyser, "test: no analyser"));
                }

                break;
        }

        return study;
    }

    /// <summary>A review that confirms everything, by a test clinician.</summary>
    public static StudyReview TestReview(DateTimeOffset at, string reviewer = "clinician-test") => new()
    {
        Reviewer = new Reviewer(reviewer, "Bác sĩ Thử"),
        Decision = ReviewDecision.Confirm,
        Comment = "test review",
        Findings = [],
        At = at,
    };
}
