using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.DicomWeb;

namespace VNCH.Network.Api.Features.DicomWeb;

/// <summary>The DICOMweb base URL, the UIDs of a request's path, and the answers every DICOMweb endpoint shares.</summary>
public static class DicomWebResources
{
    public const string BasePath = "/api/v1/dicomweb";
    public const string DicomJsonMediaType = Core.MediaTypes.DicomJson;

    public static string StudyPath(string study) => $"{BasePath}/studies/{study}";

    public static string SeriesPath(string study, string series) => $"{StudyPath(study)}/series/{series}";

    public static string InstancePath(string study, string series, string instance) => $"{SeriesPath(study, series)}/instances/{instance}";

    /// <summary>The study, series and instance UIDs of the route (those the route has).</summary>
    public static DicomResourceScope Scope(ApiRequestContext context) => new(
        Route(context, "study") ?? string.Empty, Route(context, "series"), Route(context, "instance"));

    public static string? Route(ApiRequestContext context, string name) => context.Http.GetRouteValue(name)?.ToString();

    /// <summary>Another hospital's UIDs answer exactly as missing ones do.</summary>
    public static IResult NotFound(DicomResourceScope scope, DicomResourceMissing missing) => missing switch
    {
        DicomResourceMissing.Series => ApiProblems.Problem(StatusCodes.Status404NotFound, "series-not-found", "Series not found",
            $"There is no series '{scope.SeriesInstanceUid}' in study '{scope.StudyInstanceUid}'."),
        DicomResourceMissing.Instance => ApiProblems.Problem(StatusCodes.Status404NotFound, "instance-not-found", "Instance not found",
            $"There is no instance '{scope.SopInstanceUid}' in series '{scope.SeriesInstanceUid}'."),
        _ => ApiProblems.StudyNotFound(scope.StudyInstanceUid),
    };

    public static IResult NotAcceptable(string detail) =>
        ApiProblems.NotAcceptable(detail);
}
