using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Features.Audit;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Review;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Inference.Display;
using VNCH.Network.Signals.Audiometry;

namespace VNCH.Network.Api.Features.Portal;

/// <summary>
/// The public routes the clinicians' portal draws from (docs/api.md, "Study display"): ECG samples, audiogram
/// points, the original document and the study's audit trail. Each binds the id and calls one query.
/// </summary>
public static class StudyDisplayEndpoints
{
    public const int DefaultAuditPageSize = 100;
    public const int MaxAuditPageSize = 1000;

    private static string Kebab<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static async Task<IResult> Ecg(ApiRequestContext context)
    {
        var id = Id(context);
        var display = await context.Service<StudyDisplayQueries>().GetEcgAsync(context.Caller, id, context.Aborted);
        if (display.Value is not { } ecg)
        {
            return NotShown(display.Status, id, "ecg", display.Detail);
        }

        var recording = ecg.Recording;
        var analysis = ecg.Analysis;
        return Results.Json(new
        {
            studyId = id,
            instanceUid = ecg.Instance.InstanceUid,
            samplingRateHz = recording.SamplingRateHz,
            sampleCount = recording.SampleCount,
            durationSeconds = recording.Duration.TotalSeconds,
            unit = "uV",
            leads = recording.Leads.Select(l => new { name = l.Name, samples = l.Microvolts }),
            beats = analysis.Beats.Select(b => new
            {
                rPeak = b.RPeak,
                timeSeconds = b.TimeSeconds,
                rrBeforeMs = b.RrBeforeMs,
                premature = b.Premature,
                qrsOnset = b.QrsOnset,
                qrsOffset = b.QrsOffset,
            }),
            heartRateBpm = analysis.HeartRateBpm,
            rhythm = Kebab(analysis.Rhythm),
            intervals = new
            {
                prMs = analysis.Intervals.PrMs,
                qrsMs = analysis.Intervals.QrsMs,
                qtMs = analysis.Intervals.QtMs,
                qtcBazettMs = analysis.Intervals.QtcBazettMs,
                qtcFridericiaMs = analysis.Intervals.QtcFridericiaMs,
            },
            ageDays = analysis.AgeDays,
            normalLimits = analysis.NormalLimits,
            statements = analysis.Statements.Select(s => new { code = s.Code, text = s.Text, severity = Kebab(s.Severity), range = s.Range }),
            quality = analysis.Quality.Select(q => new { lead = q.Lead, flags = q.Flags.ToString(), flatFraction = q.FlatFraction, noiseMicrovoltsRms = q.NoiseMicrovoltsRms }),
            flags = Flags(ecg.Stored),
            analyser = Analyser(ecg.Stored),
        });
    }

    public static async Task<IResult> Audiogram(ApiRequestContext context)
    {
        var id = Id(context);
        var display = await context.Service<StudyDisplayQueries>().GetAudiogramAsync(context.Caller, id, context.Aborted);
        if (display.Value is not { } audiogram)
        {
            return NotShown(display.Status, id, "audiogram", display.Detail);
        }

        var document = audiogram.Document;
        var analysis = audiogram.Analysis;
        var points = new[] { Ear.Right, Ear.Left }
            .Where(ear => document.For(ear) is not null)
            .SelectMany(ear => Points(ear, "air", document.For(ear)!.AirConduction).Concat(Points(ear, "bone", document.For(ear)!.BoneConduction)));
        return Results.Json(new
        {
            studyId = id,
            instanceUid = audiogram.Instance.InstanceUid,
            testDate = document.TestDate,
            points,
            ears = new[] { analysis.Right, analysis.Left }.OfType<EarAnalysis>().Select(e => new
            {
                ear = Kebab(e.Ear),
                pta4DbHl = e.Pta4DbHl,
                ptaIsLowerBound = e.PtaIsLowerBound,
                grade = e.Grade is { } g ? Kebab(g) : null,
                bonePtaDbHl = e.BonePtaDbHl,
                meanAirBoneGapDb = e.MeanAirBoneGapDb,
                type = Kebab(e.Type),
                tympanogram = e.Tympanogram?.ToString(),
                tympanometry = document.For(e.Ear)?.Tympanometry,
            }),
            betterEar = analysis.BetterEar is { } better ? Kebab(better) : null,
            betterEarPta4DbHl = analysis.BetterEarPta4DbHl,
            grade = analysis.Grade is { } grade ? Kebab(grade) : null,
            gradeRange = analysis.Grade is { } range ? WhoHearingGrading.Range(range) : null,
            gradeSource = WhoHearingGrading.Source,
            unilateral = analysis.Unilateral,
            asymmetric = analysis.Asymmetric,
            interauralDifferenceDb = analysis.InterauralDifferenceDb,
            statements = analysis.Statements.Select(s => new { code = s.Code, text = s.Text, severity = Kebab(s.Severity), source = s.Source }),
            analyser = Analyser(audiogram.Stored),
        });
    }

    public static async Task<IResult> Original(ApiRequestContext context)
    {
        var id = Id(context);
        var instance = context.Http.Request.Query["instance"].ToString() is { Length: > 0 } uid ? uid : null;
        var download = await context.Service<StudyTrailQueries>().OpenOriginalAsync(context.Caller, id, instance, context.Aborted);
        if (download is null)
        {
            return ApiProblems.StudyNotFound(id);
        }

        context.Http.Response.Headers["Digest"] = $"sha-256={Convert.ToBase64String(Convert.FromHexString(download.Instance.Sha256))}";
        return Results.Stream(download.Content, download.Instance.ContentType, FileName(download.Instance));
    }

    public static async Task<IResult> Audit(ApiRequestContext context)
    {
        var id = Id(context);
        var query = context.Http.Request.Query;
        var pageSize = DefaultAuditPageSize;
        if (query["pageSize"].ToString() is { Length: > 0 } size
            && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize is < 1 or > MaxAuditPageSize))
        {
            return ApiProblems.InvalidRequest($"'pageSize' must be between 1 and {MaxAuditPageSize}.");
        }

        StudyAuditTrail? trail;
        try
        {
            trail = await context.Service<StudyTrailQueries>().AuditTrailAsync(
                context.Caller, id, pageSize, query["continuationToken"].ToString() is { Length: > 0 } token ? token : null, context.Aborted);
        }
        catch (FormatException)
        {
            return ApiProblems.InvalidRequest("The continuation token is not valid.");
        }

        return trail is null
            ? ApiProblems.StudyNotFound(id)
            : Results.Json(new
            {
                studyId = id,
                truncated = trail.Truncated,
                items = trail.Records.Select(AuditRecordJson.From),
                continuationToken = trail.ContinuationToken,
            });
    }

    private static string Id(ApiRequestContext context) => context.Http.GetRouteValue("id")?.ToString() ?? "";

    private static IEnumerable<object> Points(Ear ear, string conduction, IReadOnlyList<PureToneThreshold> thresholds) =>
        thresholds.OrderBy(t => t.FrequencyHz).Select(t => new
        {
            ear = Kebab(ear),
            conduction,
            frequencyHz = t.FrequencyHz,
            thresholdDbHl = t.ThresholdDbHl,
            masked = t.Masked,
            noResponse = t.NoResponse,
        });

    /// <summary>The stored findings with their age-specific limits and interpretation (the analyser's flags).</summary>
    private static IEnumerable<object> Flags(AnalysisRecord? stored)
    {
        if (stored is null)
        {
            return [];
        }

        var keys = FindingKeys.For(stored.Result);
        return stored.Result.Findings.Select((f, i) => (object)new
        {
            finding = keys[i],
            code = f.Code,
            value = f.Value,
            interpretation = f.Interpretation,
            referenceRange = f.ReferenceRange,
        });
    }

    private static object? Analyser(AnalysisRecord? stored) =>
        stored is null ? null : new { id = stored.Analyser.Id, version = stored.Analyser.Version, completedAt = stored.CompletedAt };

    private static IResult NotShown(DisplayStatus status, string id, string what, string? detail) => status switch
    {
        DisplayStatus.NotFound => ApiProblems.StudyNotFound(id),
        DisplayStatus.NotApplicable => ApiProblems.Problem(StatusCodes.Status404NotFound, $"no-{what}", $"No {what} in this study",
            $"Study '{id}' holds no {what} document."),
        _ => ApiProblems.Problem(StatusCodes.Status422UnprocessableEntity, $"{what}-unreadable", $"The {what} cannot be read", detail ?? ""),
    };

    private static string FileName(StudyInstance instance)
    {
        var extension = instance.ContentType switch
        {
            MediaTypes.Dicom => ".dcm",
            _ when instance.ContentType.EndsWith("json", StringComparison.OrdinalIgnoreCase) => ".json",
            _ when instance.ContentType.EndsWith("xml", StringComparison.OrdinalIgnoreCase) => ".xml",
            _ => ".bin",
        };
        var safe = new string(instance.InstanceUid.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_').ToArray());
        return safe + extension;
    }
}
