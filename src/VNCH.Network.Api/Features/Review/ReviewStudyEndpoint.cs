using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Features.Studies;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Review;

namespace VNCH.Network.Api.Features.Review;

/// <summary><c>POST /api/v1/studies/{id}/review</c>: bind the body, If-Match and the clinician; one handler call (docs/review.md).</summary>
public static class ReviewStudyEndpoint
{
    private const int MaxBodyBytes = 64 * 1024;

    public static async Task<IResult> Handle(ApiRequestContext context)
    {
        var id = context.Http.GetRouteValue("id")?.ToString() ?? "";
        var (request, problem) = await ReadAsync(context.Http.Request, context.Aborted);
        var ifMatch = StudyETags.ParseIfMatch(context.Http.Request.Headers.IfMatch.ToString());
        var handler = context.Service<ReviewHandler>();
        if (request is null)
        {
            // A body that cannot be read is still answered 404 for a study the caller cannot see.
            return await handler.ExistsAsync(context.Caller, id, context.Aborted)
                ? ApiProblems.InvalidRequest(problem!)
                : ApiProblems.StudyNotFound(id);
        }

        var outcome = await handler.ReviewAsync(context.Caller, ReviewerOf(context.Http.User, context.Caller.Subject), id, ifMatch, request, context.Aborted);
        switch (outcome.Status)
        {
            case ReviewStatus.Reviewed:
                context.Http.Response.Headers.ETag = StudyETags.Header(outcome.Study!.ETag!);
                context.Http.Response.Headers.Location = context.Url($"/api/v1/studies/{id}");
                return Results.Json(new
                {
                    review = StudyViews.ReviewView(outcome.Review!),
                    study = StudyViews.ReviewState(outcome.Study),
                    links = new { study = context.Url($"/api/v1/studies/{id}"), fhir = context.Url($"/api/v1/studies/{id}/fhir") },
                });
            case ReviewStatus.NotFound:
                return ApiProblems.StudyNotFound(id);
            case ReviewStatus.PreconditionRequired:
                return ApiProblems.Problem(StatusCodes.Status428PreconditionRequired, "precondition-required", "If-Match required",
                    "A review must send If-Match with the study's ETag (from GET /api/v1/studies/{id}) so that it cannot overwrite a review it has not seen.");
            case ReviewStatus.PreconditionFailed:
                if (outcome.Study?.ETag is { } current)
                {
                    context.Http.Response.Headers.ETag = StudyETags.Header(current);
                }

                return ApiProblems.Problem(StatusCodes.Status412PreconditionFailed, "precondition-failed", "The study changed",
                    "The study changed since this ETag was read (another review or a new document); read it again and review what it shows now.");
            case ReviewStatus.NotReviewable:
                return ApiProblems.Problem(StatusCodes.Status409Conflict, "study-not-reviewable", "Study not reviewable", outcome.Detail!);
            default:
                return ApiProblems.InvalidRequest(outcome.Detail!);
        }
    }

    /// <summary>The clinician from the token: Entra object id (<c>oid</c>) else subject; the <c>name</c> claim.</summary>
    public static Reviewer ReviewerOf(ClaimsPrincipal user, string subject)
    {
        var oid = user.FindFirst("oid")?.Value ?? user.FindFirst("http://schemas.microsoft.com/identity/claims/objectidentifier")?.Value;
        var name = user.FindFirst("name")?.Value ?? user.FindFirst(ClaimTypes.Name)?.Value;
        return new Reviewer(string.IsNullOrWhiteSpace(oid) ? subject : oid, string.IsNullOrWhiteSpace(name) ? null : name);
    }

    private static async Task<(ReviewRequest? Request, string? Problem)> ReadAsync(HttpRequest http, CancellationToken cancellationToken)
    {
        if (!(http.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return (null, "The review is a JSON body (Content-Type: application/json).");
        }

        JsonElement body;
        try
        {
            using var limited = new MemoryStream();
            var buffer = new byte[8192];
            int read;
            while ((read = await http.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (limited.Length + read > MaxBodyBytes)
                {
                    return (null, $"The review body is larger than {MaxBodyBytes} bytes.");
                }

                limited.Write(buffer, 0, read);
            }

            body = JsonSerializer.Deserialize<JsonElement>(limited.ToArray());
        }
        catch (JsonException ex)
        {
            return (null, $"The body is not valid JSON: {ex.Message}");
        }

        if (body.ValueKind != JsonValueKind.Object
            || !body.TryGetProperty("decision", out var decisionText)
            || !ReviewDecisions.TryParse(decisionText.ValueKind == JsonValueKind.String ? decisionText.GetString() : null, out var decision))
        {
            return (null, "'decision' is required: confirm, reject or amend.");
        }

        string? comment = null;
        if (body.TryGetProperty("comment", out var commentElement) && commentElement.ValueKind != JsonValueKind.Null)
        {
            if (commentElement.ValueKind != JsonValueKind.String || commentElement.GetString()!.Length > ReviewRequest.MaxCommentLength)
            {
                return (null, $"'comment' must be a string of at most {ReviewRequest.MaxCommentLength} characters.");
            }

            comment = commentElement.GetString();
        }

        var findings = new List<FindingDecisionRequest>();
        if (body.TryGetProperty("findings", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                return (null, "'findings' must be an array.");
            }

            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || Text(item, "analyser") is not { } analyser
                    || Text(item, "finding") is not { } finding
                    || !ReviewDecisions.TryParse(Text(item, "decision"), out var itemDecision))
                {
                    return (null, "Each finding needs 'analyser', 'finding' (its key from GET /api/v1/studies/{id}) and 'decision' (confirm, reject or amend).");
                }

                findings.Add(new FindingDecisionRequest(analyser, finding, itemDecision, item.TryGetProperty("value", out var value) ? value.Clone() : null));
            }
        }

        return (new ReviewRequest(decision, comment, findings), null);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String ? property.GetString() : null;
}
