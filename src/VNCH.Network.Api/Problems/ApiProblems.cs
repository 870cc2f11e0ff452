using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace VNCH.Network.Api.Problems;

/// <summary>RFC 7807 problem+json answers with specific <c>type</c> URIs (listed in docs/api.md).</summary>
public static class ApiProblems
{
    public const string TypeBase = "https://vnch.network/problems/";

    public static IResult Unauthenticated(string detail) =>
        Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "Authentication required", detail);

    public static IResult MissingRole(string role) =>
        Problem(StatusCodes.Status403Forbidden, "missing-role", "Role required", $"This operation requires the '{role}' role.");

    public static IResult TenantNotMapped() =>
        Problem(StatusCodes.Status403Forbidden, "tenant-not-mapped", "No hospital for this caller",
            "The caller's token does not map to any hospital in the tenant directory.");

    public static IResult TenantAmbiguous() =>
        Problem(StatusCodes.Status403Forbidden, "tenant-ambiguous", "Ambiguous hospital for this caller",
            "The caller's token maps to more than one hospital; the request is refused.");

    public static IResult NotForTenantKind(Core.Features.Tenancy.TenantKind kind) =>
        Problem(StatusCodes.Status403Forbidden, "not-for-tenant-kind", "Not available to this kind of tenant",
            $"A tenant of kind '{Core.Features.Tenancy.TenantKinds.Name(kind)}' may read aggregate reports and its own audit trail only.");

    public static IResult StudyNotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, "study-not-found", "Study not found", $"There is no study '{id}'.");

    public static IResult UnsupportedMediaType(string? contentType) =>
        Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
            $"Content-Type '{contentType ?? "none"}' is not accepted. Use application/dicom, multipart/related; type=\"application/dicom\", application/hl7-aecg+xml, application/xml (AnnotatedECG), application/vnd.vnch.audiogram+json or application/fhir+json (audiogram Bundle).");

    /// <summary>406: none of the representations the client accepts is served here (never another one passed off as it).</summary>
    public static IResult NotAcceptable(string detail) =>
        Problem(StatusCodes.Status406NotAcceptable, "not-acceptable", "Not acceptable", detail);

    public static IResult InvalidRequest(string detail) =>
        Problem(StatusCodes.Status400BadRequest, "invalid-request", "Invalid request", detail);

    /// <summary>Seconds an uploader waits before retrying when storage is full or unavailable (503 Retry-After).</summary>
    public const int StorageRetryAfterSeconds = 30;

    /// <summary>503 with Retry-After: the store is full or unavailable; retrying the whole request is safe (idempotent ingest).</summary>
    public static IResult StorageUnavailable(HttpContext http)
    {
        http.Response.Headers.RetryAfter = StorageRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, "storage-unavailable", "Storage unavailable",
            "The upload could not be recorded because storage is full or unavailable. Retry after the Retry-After delay; documents already stored are answered as duplicates.");
    }

    public static IResult Problem(int status, string slug, string title, string detail) =>
        Results.Problem(new ProblemDetails
        {
            Status = status,
            Type = TypeBase + slug,
            Title = title,
            Detail = detail,
        });
}
