using System.Text.Json;
using VNCH.Network.Core.Features.Analysis;
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
        instanceCount = study.Instances.Count,
        createdAt = study.CreatedAt,
        updatedAt = study.UpdatedAt,
        statusTimes = study.StatusTimes.OrderBy(t => t.Value).ToDictionary(t => Name(t.Key), t => t.Value),
        links = new { self = url($"/api/v1/studies/{study.Id}"), fhir = url($"/api/v1/studies/{study.Id}/fhir") },
    };

    public static object Detail(Study study, Func<string, string> url) => new
    {
        summary = Summary(study, url),
        patient = study.Patient is null
            ? null
            : new { issuer = study.Patient.Issuer, id = study.Patient.Id, sex = Name(study.Patient.Sex), ageInDays = study.PatientAgeInDays },
        studyDate = study.StudyDate,
        instances = study.Instances.Select(i => new
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
            findings = a.Result.Findings,
        }),
    };

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
