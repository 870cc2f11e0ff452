using System.Text.Json;
using System.Text.Json.Serialization;
using VNCH.Network.Core.Features.Analysis;

namespace VNCH.Network.Core.Features.Review;

/// <summary>What a clinician decides about an analyser's finding (and, at its simplest, about every finding).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReviewDecision>))]
public enum ReviewDecision
{
    /// <summary>The finding is right.</summary>
    Confirm,

    /// <summary>The finding is wrong: the clinician's report does not assert it.</summary>
    Reject,

    /// <summary>The finding is right in kind but its value is corrected by the clinician.</summary>
    Amend,
}

public static class ReviewDecisions
{
    public static string Name(ReviewDecision decision) => JsonNamingPolicy.KebabCaseLower.ConvertName(decision.ToString());

    public static bool TryParse(string? value, out ReviewDecision decision)
    {
        foreach (var candidate in Enum.GetValues<ReviewDecision>())
        {
            if (string.Equals(Name(candidate), value, StringComparison.Ordinal))
            {
                decision = candidate;
                return true;
            }
        }

        decision = default;
        return false;
    }
}

/// <summary>
/// The reviewing clinician, from the token: <paramref name="Id"/> is the Entra object id (<c>oid</c>) or, without
/// one, the subject; <paramref name="Name"/> the <c>name</c> claim (development tokens carry the user name).
/// </summary>
public sealed record Reviewer(string Id, string? Name);

/// <summary>One finding's decision. <paramref name="Index"/> is the finding's position in the analyser's result.</summary>
/// <param name="Key">The finding's key as the study API shows it (its code, or <c>code#index</c> when the code repeats).</param>
/// <param name="AmendedValue">The clinician's value, only for <see cref="ReviewDecision.Amend"/>.</param>
public sealed record FindingDecision(
    string Analyser,
    string AnalyserVersion,
    int Index,
    string Key,
    CodedConcept Code,
    ReviewDecision Decision,
    FindingValue? AmendedValue = null);

/// <summary>One clinician review of a study: numbered from 1; the first makes the report final, later ones amend it.</summary>
public sealed record StudyReview
{
    public int Number { get; init; }

    public required Reviewer Reviewer { get; init; }

    /// <summary>The decision the clinician gave for the whole study (findings not listed got it, or confirm for amend).</summary>
    public required ReviewDecision Decision { get; init; }

    public string? Comment { get; init; }

    public required IReadOnlyList<FindingDecision> Findings { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>The FHIR DiagnosticReport status this review gives the clinician's report.</summary>
    [JsonIgnore]
    public string ReportStatus => Number <= 1 ? "final" : "amended";
}
