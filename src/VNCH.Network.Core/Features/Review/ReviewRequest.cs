using System.Globalization;
using System.Text.Json;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Core.Features.Review;

/// <summary>The body of <c>POST /api/v1/studies/{id}/review</c> (docs/review.md), parsed but not yet checked against the study.</summary>
public sealed record ReviewRequest(ReviewDecision Decision, string? Comment, IReadOnlyList<FindingDecisionRequest> Findings)
{
    public const int MaxCommentLength = 4000;
}

/// <param name="Value">The clinician's value for <c>amend</c>: a number, a boolean or a coded object, as the finding's own value.</param>
public sealed record FindingDecisionRequest(string Analyser, string Finding, ReviewDecision Decision, JsonElement? Value);

/// <summary>The one place that names a study's findings for review and turns a request into decisions.</summary>
public static class FindingKeys
{
    /// <summary>Per finding of one analysis, its key: the code, or <c>code#index</c> when the code occurs more than once.</summary>
    public static IReadOnlyList<string> For(AnalyserResult result)
    {
        var repeated = result.Findings.GroupBy(f => f.Code.Code).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        return result.Findings
            .Select((f, i) => repeated.Contains(f.Code.Code) ? $"{f.Code.Code}#{i.ToString(CultureInfo.InvariantCulture)}" : f.Code.Code)
            .ToList();
    }

    /// <summary>
    /// Every finding of every analysis gets a decision: the one listed for it, else the study's decision (for
    /// <c>amend</c>, unlisted findings are confirmed). Returns the problems instead when the request does not fit the study.
    /// </summary>
    public static (IReadOnlyList<FindingDecision> Decisions, IReadOnlyList<string> Problems) Decide(Study study, ReviewRequest request)
    {
        var problems = new List<string>();
        var listed = new Dictionary<(string Analyser, string Key), FindingDecisionRequest>();
        foreach (var item in request.Findings)
        {
            if (!listed.TryAdd((item.Analyser, item.Finding), item))
            {
                problems.Add($"Finding '{item.Finding}' of '{item.Analyser}' is listed twice.");
            }
        }

        var decisions = new List<FindingDecision>();
        foreach (var analysis in study.Analyses)
        {
            var keys = For(analysis.Result);
            for (var index = 0; index < keys.Count; index++)
            {
                var finding = analysis.Result.Findings[index];
                var fallback = request.Decision == ReviewDecision.Amend ? ReviewDecision.Confirm : request.Decision;
                FindingValue? value = null;
                var decision = fallback;
                if (listed.Remove((analysis.Analyser.Id, keys[index]), out var item))
                {
                    decision = item.Decision;
                    if (decision == ReviewDecision.Amend)
                    {
                        value = AmendedValue(finding, item.Value, out var problem);
                        if (problem is not null)
                        {
                            problems.Add($"Finding '{keys[index]}' of '{analysis.Analyser.Id}': {problem}");
                        }
                    }
                    else if (item.Value is { ValueKind: not JsonValueKind.Null })
                    {
                        problems.Add($"Finding '{keys[index]}' of '{analysis.Analyser.Id}': a value is given only with decision 'amend'.");
                    }
                }

                decisions.Add(new FindingDecision(analysis.Analyser.Id, analysis.Analyser.Version, index, keys[index], finding.Code, decision, value));
            }
        }

        problems.AddRange(listed.Keys.Select(k => $"The study has no finding '{k.Key}' of analyser '{k.Analyser}'."));
        if (decisions.Count == 0)
        {
            problems.Add("The study's analysers produced no finding to review.");
        }

        if (request.Decision == ReviewDecision.Amend && !decisions.Any(d => d.Decision == ReviewDecision.Amend))
        {
            problems.Add("Decision 'amend' needs at least one finding with decision 'amend' and a value.");
        }

        return (decisions, problems);
    }

    /// <summary>The clinician's value, of the same kind as the model's: number (quantity in its unit, or score), boolean or coded.</summary>
    private static FindingValue? AmendedValue(Finding finding, JsonElement? value, out string? problem)
    {
        problem = null;
        if (value is not { } element || element.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            problem = "decision 'amend' needs a value.";
            return null;
        }

        switch (finding.Value)
        {
            case QuantityValue quantity when element.ValueKind == JsonValueKind.Number && element.TryGetDecimal(out var number):
                return new QuantityValue(number, quantity.Unit);
            case ScoreValue when element.ValueKind == JsonValueKind.Number:
                return new ScoreValue(element.GetDouble());
            case BooleanValue when element.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return new BooleanValue(element.GetBoolean());
            case CodedValue or null when element.ValueKind == JsonValueKind.Object
                                         && Text(element, "system") is { } system && Text(element, "code") is { } code:
                return new CodedValue(new CodedConcept(system, code, Text(element, "display") ?? code));
            default:
                problem = finding.Value switch
                {
                    QuantityValue q => $"the value must be a number (in {q.Unit}).",
                    ScoreValue => "the value must be a number (a score).",
                    BooleanValue => "the value must be true or false.",
                    _ => "the value must be a coded object {\"system\", \"code\", \"display\"}.",
                };
                return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var property) && property.ValueKind == JsonValueKind.String && property.GetString() is { Length: > 0 } text
            ? text
            : null;
}
