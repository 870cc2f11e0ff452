using System.Text.Json;
using System.Text.Json.Nodes;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Review;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Api.Features.Studies;

/// <summary>The JSON shapes of the study API (documented in docs/api.md).</summary>
public static class StudyViews
{
    public static string Name(StudyStatus status) => JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    public static string Name(StudyKind kind) => JsonNamingPolicy.KebabCaseLower.ConvertName(kind.ToString());

    public static bool TryParseStatus(string value, out StudyStatus status) => TryParse(value, Name, out status);

    public static bool TryParseKind(string value, out StudyKind kind) => TryParse(value, Name, out kind);

    public static object Summary(Study study, Func<string, string> url) => new
    {
        id = study.Id,
        kind = Name(study.Kind),
        status = Name(study.Status),
        reason = study.Reason is null ? null : new { code = study.Reason.Code, message = study.Reason.Message },
        modality = study.Modality,
        studyInstanceUid = study.StudyInstanceUid,
        instanceCount = study.InstanceCount,
        createdAt = study.CreatedAt,
        updatedAt = study.UpdatedAt,
        statusTimes = study.StatusTimes.OrderBy(t => t.Value).ToDictionary(t => Name(t.Key), t => t.Value),
        review = ReviewState(study),
        analyses = study.Analyses.Select(a => AnalysisSummary(a, study.Reviews.Count == 0 ? null : study.Reviews[^1])),
        links = new { self = url($"/api/v1/studies/{study.Id}"), fhir = url($"/api/v1/studies/{study.Id}/fhir") },
    };

    /// <summary>
    /// One analysis in a line, for lists (docs/api.md "Finding summary"): the analyser, its decided label and the
    /// score it compared with its threshold, and its top finding with the decision of the review in force.
    /// </summary>
    public static object AnalysisSummary(AnalysisRecord analysis, StudyReview? review)
    {
        var top = TopFinding(analysis.Result);
        var decision = top is null ? null : review?.Findings.FirstOrDefault(d => d.Analyser == analysis.Analyser.Id && d.Index == top.Value.Index);
        return new
        {
            analyser = new { id = analysis.Analyser.Id, version = analysis.Analyser.Version },
            label = analysis.Result.Label,
            conclusionCode = analysis.Result.ConclusionCode,
            score = DecisionScore(analysis.Result),
            threshold = analysis.Result.Threshold,
            topFinding = top is not { } found
                ? null
                : new
                {
                    key = FindingKeys.For(analysis.Result)[found.Index],
                    code = found.Finding.Code,
                    value = found.Finding.Value,
                    interpretation = found.Finding.Interpretation,
                    review = decision is null ? null : ReviewDecisions.Name(decision.Decision),
                },
        };
    }

    /// <summary>The score the analyser compared with its threshold: the decided label's, else the highest; null without scores.</summary>
    public static double? DecisionScore(AnalyserResult result) =>
        result.Label is { } label && result.Scores.TryGetValue(label, out var score) ? score
        : result.Scores.Count > 0 ? result.Scores.Values.Max()
        : null;

    /// <summary>
    /// The finding a list shows: the highest probability (a model's score), else the first outside its normal
    /// interpretation (an algorithm's flag), else the first.
    /// </summary>
    public static (Finding Finding, int Index)? TopFinding(AnalyserResult result)
    {
        var indexed = result.Findings.Select((finding, index) => (Finding: finding, Index: index)).ToList();
        if (indexed.Count == 0)
        {
            return null;
        }

        var scored = indexed.Where(f => f.Finding.Value is ScoreValue).OrderByDescending(f => ((ScoreValue)f.Finding.Value!).Value).ToList();
        return scored.Count > 0 ? scored[0]
            : indexed.FirstOrDefault(f => f.Finding.Interpretation is { Code: not "N" }) is { Finding: not null } flagged ? flagged
            : indexed[0];
    }

    /// <summary>pending (analysed, awaiting a clinician), reviewed, or null when the study cannot be reviewed.</summary>
    public static string? ReviewStateName(Study study) => study.Status switch
    {
        StudyStatus.Completed => "pending",
        StudyStatus.Reviewed => "reviewed",
        _ => null,
    };

    /// <summary>The review block of a study (docs/api.md): state and the review in force, if any.</summary>
    public static object ReviewState(Study study) => new
    {
        state = ReviewStateName(study),
        reviewCount = study.Reviews.Count,
        current = study.Reviews.Count == 0 ? null : ReviewView(study.Reviews[^1]),
    };

    public static object ReviewView(StudyReview review) => new
    {
        number = review.Number,
        reportStatus = review.ReportStatus,
        reviewer = new { id = review.Reviewer.Id, name = review.Reviewer.Name },
        decision = ReviewDecisions.Name(review.Decision),
        comment = review.Comment,
        at = review.At,
        findings = review.Findings.Select(f => new
        {
            analyser = f.Analyser,
            analyserVersion = f.AnalyserVersion,
            finding = f.Key,
            code = f.Code,
            decision = ReviewDecisions.Name(f.Decision),
            value = f.AmendedValue,
        }),
    };

    public static object Detail(Study study, IReadOnlyList<StudyInstance> instances, Func<string, string> url) => new
    {
        summary = Summary(study, url),
        patient = study.Patient is null
            ? null
            : new { issuer = study.Patient.Issuer, id = study.Patient.Id, sex = Name(study.Patient.Sex), ageInDays = study.PatientAgeInDays },
        studyDate = study.StudyDate,
        instances = instances.Select(i => new
        {
            instanceUid = i.InstanceUid,
            seriesInstanceUid = i.SeriesInstanceUid,
            sopClassUid = i.Metadata.SopClassUid,
            modality = i.Metadata.Modality,
            transferSyntaxUid = i.Metadata.TransferSyntaxUid,
            contentType = i.ContentType,
            sha256 = i.Sha256,
            length = i.Length,
            receivedAt = i.ReceivedAt,
        }),
        analyses = study.Analyses.Select(a => new
        {
            analyser = new { id = a.Analyser.Id, version = a.Analyser.Version, kind = a.Analyser.Kind == AnalyserKind.Model ? "model" : "algorithm", sha256 = a.Analyser.Sha256 },
            completedAt = a.CompletedAt,
            label = a.Result.Label,
            threshold = a.Result.Threshold,
            scores = a.Result.Scores,
            conclusion = a.Result.Conclusion,
            conclusionCode = a.Result.ConclusionCode,
            durationMs = a.Result.Duration.TotalMilliseconds,
            findings = Findings(a, study.Reviews.Count == 0 ? null : study.Reviews[^1]),
        }),
        reviews = study.Reviews.Select(ReviewView),
    };

    /// <summary>Each finding as stored, plus its review key and the decision of the review in force.</summary>
    private static IEnumerable<JsonNode?> Findings(AnalysisRecord analysis, StudyReview? review)
    {
        var keys = FindingKeys.For(analysis.Result);
        return analysis.Result.Findings.Select((finding, index) =>
        {
            var node = JsonSerializer.SerializeToNode(finding, JsonSerializerOptions.Web)!.AsObject();
            node["key"] = keys[index];
            var decision = review?.Findings.FirstOrDefault(d => d.Analyser == analysis.Analyser.Id && d.Index == index);
            node["review"] = decision is null
                ? null
                : new JsonObject
                {
                    ["decision"] = ReviewDecisions.Name(decision.Decision),
                    ["value"] = decision.AmendedValue is null ? null : JsonSerializer.SerializeToNode(decision.AmendedValue, JsonSerializerOptions.Web),
                };
            return (JsonNode?)node;
        });
    }

    private static string Name(AdministrativeSex sex) => JsonNamingPolicy.KebabCaseLower.ConvertName(sex.ToString());

    private static bool TryParse<T>(string value, Func<T, string> name, out T parsed)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(name(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                parsed = candidate;
                return true;
            }
        }

        parsed = default;
        return false;
    }
}
