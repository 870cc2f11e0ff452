using System.Security.Cryptography;
using System.Text;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Reporting;

/// <summary>
/// The one mapping from a final study to its <see cref="StudyFact"/>: what the cube may know about a study.
/// Pure; the keyed hashes use the key held by <see cref="IReportingStore"/>.
/// </summary>
public static class StudyFactProjection
{
    public const string Unknown = "unknown";

    /// <summary>Receipt dates are days in Vietnam (UTC+7, no daylight saving time).</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    /// <summary>
    /// Finding codes that become flag indicators (per analyser), read from the finding's interpretation: the ECG
    /// heart rate and QTc (Bazett) against the age-specific limits.
    /// </summary>
    public static IReadOnlyDictionary<(string System, string Code), string> FlagIndicators { get; } = new Dictionary<(string, string), string>
    {
        [(CodeSystems.Loinc, "8867-4")] = "rate-flag",
        [(CodeSystems.Loinc, "76635-2")] = "qtc-flag",
    };

    public static StudyFact Project(Study study, Tenant hospital, byte[] key)
    {
        if (!study.IsFinal)
        {
            throw new ArgumentException($"Study {study.Id} is {study.Status}; only final studies are reported.", nameof(study));
        }

        var (date, source) = ReportingDate(study);
        return new StudyFact
        {
            Key = Hash(key, $"study|{study.Tenant}|{study.Id}"),
            Child = Hash(key, study.Patient is { } patient
                ? $"child|{study.Tenant}|{patient.Issuer}|{patient.Id}"
                : $"child-of-study|{study.Tenant}|{study.Id}"),
            Hospital = study.Tenant.Value,
            Province = hospital.Province ?? Unknown,
            Kind = study.Kind.ToString().ToLowerInvariant(),
            Modality = string.IsNullOrWhiteSpace(study.Modality) ? "none" : study.Modality.ToUpperInvariant(),
            Date = date,
            DateSource = source,
            AgeBand = AgeBands.Of(study.Patient?.BirthDate, study.PatientAgeInDays, date),
            Sex = (study.Patient?.Sex ?? AdministrativeSex.Unknown).ToString().ToLowerInvariant(),
            Outcome = Outcome(study.Status),
            Findings = study.Status is StudyStatus.Completed or StudyStatus.Reviewed ? Findings(study) : [],
            Version = study.UpdatedAt,
        };
    }

    public static string Outcome(StudyStatus status) => status switch
    {
        // A reviewed study is an analysed one: the outcome is the analysis'; the review shows in its own indicators.
        StudyStatus.Completed or StudyStatus.Reviewed => "completed",
        StudyStatus.Rejected => "rejected",
        StudyStatus.Failed => "failed",
        StudyStatus.NoAnalyser => "no-analyser",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Not a final status."),
    };

    /// <summary>The study (acquisition) date where the document has one, else the receipt day in Vietnam.</summary>
    public static (DateOnly Date, DateSource Source) ReportingDate(Study study)
    {
        if (study.StudyDate is { } acquired)
        {
            return (acquired, DateSource.Acquisition);
        }

        var received = study.FirstReceivedAt ?? study.CreatedAt;
        return (DateOnly.FromDateTime(received.ToOffset(VietnamOffset).DateTime), DateSource.Receipt);
    }

    private static List<FactFinding> Findings(Study study)
    {
        var findings = new List<FactFinding>();
        foreach (var analysis in study.Analyses.OrderBy(a => a.Analyser.Id, StringComparer.Ordinal))
        {
            var analyser = analysis.Analyser.Id;
            findings.Add(new FactFinding($"{analyser}/result", Category(analysis.Result.Label)));
            foreach (var ((system, code), indicator) in FlagIndicators.OrderBy(f => f.Value, StringComparer.Ordinal))
            {
                var finding = analysis.Result.Findings.FirstOrDefault(f => f.Code.System == system && f.Code.Code == code);
                if (finding is not null)
                {
                    findings.Add(new FactFinding($"{analyser}/{indicator}", Flag(finding.Interpretation?.Code)));
                }
            }

            if (study.Reviews.Count > 0)
            {
                findings.Add(Agreement(analysis, study.Reviews[^1]));
            }
        }

        return findings;
    }

    /// <summary>
    /// Clinician-vs-model agreement of the review in force, per analyser and version (ADR 0091): <c>agree</c> when
    /// every finding was confirmed, <c>disagree</c> when one was rejected, else <c>amended</c>.
    /// </summary>
    public static FactFinding Agreement(AnalysisRecord analysis, Review.StudyReview review)
    {
        var decisions = review.Findings.Where(f => f.Analyser == analysis.Analyser.Id).Select(f => f.Decision).ToList();
        var category = decisions.Contains(Review.ReviewDecision.Reject) ? "disagree"
            : decisions.Contains(Review.ReviewDecision.Amend) ? "amended"
            : "agree";
        return new FactFinding($"{analysis.Analyser.Id}/{AgreementIndicator}@{analysis.Analyser.Version}", category);
    }

    public const string AgreementIndicator = "clinician-agreement";

    /// <summary>Analyser labels as categories: lower-case kebab, bounded, so no free text reaches the cube.</summary>
    private static string Category(string? label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            return "none";
        }

        var text = new string(label.Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        return text.Length > 40 ? text[..40] : text;
    }

    private static string Flag(string? interpretation) => interpretation switch
    {
        "N" => "normal",
        "L" => "low",
        "H" => "high",
        "LL" => "critical-low",
        "HH" => "critical-high",
        "A" => "abnormal",
        null => "no-limits",
        _ => "other",
    };

    private static string Hash(byte[] key, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)).AsSpan(0, 16));
}
