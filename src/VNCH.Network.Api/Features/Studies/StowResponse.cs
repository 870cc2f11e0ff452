using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Core;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Ingestion;

namespace VNCH.Network.Api.Features.Studies;

/// <summary>
/// The upload answer: 200 when every document was stored (duplicates included), 202 when some failed, 409 when all
/// failed (PS3.18 10.5.3). DICOMweb clients asking for application/dicom+json get the PS3.18 Store Instances
/// Response Module; everyone else gets the VNCH JSON with reason codes.
/// </summary>
public static class StowResponse
{
    // PS3.18 / PS3.4 failure reasons for the FailedSOPSequence.
    public const ushort OutOfResources = 0xA700;
    public const ushort DatasetDoesNotMatchSopClass = 0xA900;
    public const ushort CannotUnderstand = 0xC000;
    public const ushort ProcessingFailure = 0x0110;
    public const ushort DuplicateSopInstance = 0x0111;
    public const ushort SopClassNotSupported = 0x0122;
    public const ushort TransferSyntaxNotSupported = 0xC122;

    public static ushort FailureReason(string? reasonCode) => reasonCode switch
    {
        IngestReasons.OutOfResources => OutOfResources,
        IngestReasons.DatasetDoesNotMatchSopClass => DatasetDoesNotMatchSopClass,
        IngestReasons.SopClassNotSupported => SopClassNotSupported,
        IngestReasons.InstanceConflict => DuplicateSopInstance,
        IngestReasons.ProcessingFailure => ProcessingFailure,
        IngestReasons.TransferSyntaxNotSupported => TransferSyntaxNotSupported,
        _ => CannotUnderstand,
    };

    public static int StatusCode(IReadOnlyCollection<IngestOutcome> outcomes)
    {
        var failed = outcomes.Count(o => o.Status == IngestStatus.Failed);
        return failed == 0 ? StatusCodes.Status200OK : failed == outcomes.Count ? StatusCodes.Status409Conflict : StatusCodes.Status202Accepted;
    }

    public static IResult Create(ApiRequestContext context, IReadOnlyList<IngestOutcome> outcomes)
    {
        if (outcomes.Any(o => o.ReasonCode == IngestReasons.OutOfResources))
        {
            // Transient, not the document's fault: the client retries the whole request (ingest is idempotent).
            return Problems.ApiProblems.StorageUnavailable(context.Http);
        }

        if (outcomes.Any(o => o.ReasonCode == IngestReasons.StorageQuotaExceeded))
        {
            return Problems.ApiProblems.StorageQuotaExceeded();
        }

        var status = StatusCode(outcomes);
        var studyIds = outcomes.Where(o => o.Status != IngestStatus.Failed && o.StudyId is not null).Select(o => o.StudyId!).Distinct().ToList();
        if (studyIds.Count == 1)
        {
            context.Http.Response.Headers.Location = context.Url($"/api/v1/studies/{studyIds[0]}");
        }

        var accept = context.Http.Request.Headers.Accept.ToString();
        if (accept.Contains(MediaTypes.DicomJson, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Content(DicomJson(context, outcomes, studyIds).ToJsonString(), MediaTypes.DicomJson, statusCode: status);
        }

        return Results.Json(new
        {
            studies = studyIds.Select(id => new { id, location = context.Url($"/api/v1/studies/{id}") }),
            instances = outcomes.Select(o => new
            {
                status = o.Status.ToString().ToLowerInvariant(),
                studyId = o.StudyId,
                instanceUid = o.InstanceUid,
                sopClassUid = o.SopClassUid,
                sha256 = o.Sha256,
                reason = o.ReasonCode,
                message = o.Message,
            }),
        }, statusCode: status);
    }

    private static JsonObject DicomJson(ApiRequestContext context, IReadOnlyList<IngestOutcome> outcomes, List<string> studyIds)
    {
        var response = new JsonObject();
        if (studyIds.Count == 1)
        {
            response["00081190"] = Element("UR", context.Url($"/api/v1/studies/{studyIds[0]}"));
        }

        var referenced = new JsonArray();
        var failed = new JsonArray();
        foreach (var outcome in outcomes)
        {
            var item = new JsonObject();
            if (outcome.SopClassUid is not null)
            {
                item["00081150"] = Element("UI", outcome.SopClassUid);
            }

            if (outcome.InstanceUid is not null)
            {
                item["00081155"] = Element("UI", outcome.InstanceUid);
            }

            if (outcome.Status == IngestStatus.Failed)
            {
                item["00081197"] = Element("US", FailureReason(outcome.ReasonCode));
                failed.Add(item);
            }
            else
            {
                item["00081190"] = Element("UR", context.Url($"/api/v1/studies/{outcome.StudyId}"));
                referenced.Add(item);
            }
        }

        if (referenced.Count > 0)
        {
            response["00081199"] = new JsonObject { ["vr"] = "SQ", ["Value"] = referenced };
        }

        if (failed.Count > 0)
        {
            response["00081198"] = new JsonObject { ["vr"] = "SQ", ["Value"] = failed };
        }

        return response;
    }

    private static JsonObject Element(string vr, JsonNode value) => new() { ["vr"] = vr, ["Value"] = new JsonArray(value) };
}
