using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using VNCH.Network.Api.Routing;

namespace VNCH.Network.Functions.Http;

/// <summary>
/// One HTTP trigger per entry of <see cref="ApiRoutes.All"/>: function name = route name, route = pattern without
/// the <c>/api</c> prefix (the host's routePrefix). A test compares the generated functions.metadata with the table.
/// </summary>
public static class HttpApiFunctions
{
    [Function("health")]
    public static Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request) =>
        ServeAsync("health", request);

    [Function("studies-upload")]
    public static Task<IActionResult> UploadStudies([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/studies")] HttpRequest request) =>
        ServeAsync("studies-upload", request);

    [Function("studies-list")]
    public static Task<IActionResult> ListStudies([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/studies")] HttpRequest request) =>
        ServeAsync("studies-list", request);

    [Function("studies-get")]
    public static Task<IActionResult> GetStudy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/studies/{id}")] HttpRequest request) =>
        ServeAsync("studies-get", request);

    [Function("studies-fhir")]
    public static Task<IActionResult> GetStudyFhir([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/studies/{id}/fhir")] HttpRequest request) =>
        ServeAsync("studies-fhir", request);

    [Function("studies-review")]
    public static Task<IActionResult> ReviewStudy([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/studies/{id}/review")] HttpRequest request) =>
        ServeAsync("studies-review", request);

    [Function("studies-ecg")]
    public static Task<IActionResult> GetStudyEcg([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/studies/{id}/ecg")] HttpRequest request) =>
        ServeAsync("studies-ecg", request);

    [Function("studies-audiogram")]
    public static Task<IActionResult> GetStudyAudiogram([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/studies/{id}/audiogram")] HttpRequest request) =>
        ServeAsync("studies-audiogram", request);

    [Function("studies-original")]
    public static Task<IActionResult> GetStudyOriginal([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/studies/{id}/original")] HttpRequest request) =>
        ServeAsync("studies-original", request);

    [Function("studies-audit")]
    public static Task<IActionResult> GetStudyAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/studies/{id}/audit")] HttpRequest request) =>
        ServeAsync("studies-audit", request);

    [Function("models-list")]
    public static Task<IActionResult> ListModels([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models")] HttpRequest request) =>
        ServeAsync("models-list", request);

    [Function("models-get")]
    public static Task<IActionResult> GetModel([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/models/{model}")] HttpRequest request) =>
        ServeAsync("models-get", request);

    [Function("reports-network")]
    public static Task<IActionResult> NetworkReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/reports/network")] HttpRequest request) =>
        ServeAsync("reports-network", request);

    [Function("reports-series")]
    public static Task<IActionResult> SeriesReport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/reports/series")] HttpRequest request) =>
        ServeAsync("reports-series", request);

    [Function("audit-list")]
    public static Task<IActionResult> ListAudit([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/audit")] HttpRequest request) =>
        ServeAsync("audit-list", request);

    [Function("dicomweb-store")]
    public static Task<IActionResult> DicomWebStore([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v1/dicomweb/studies")] HttpRequest request) =>
        ServeAsync("dicomweb-store", request);

    [Function("dicomweb-search-studies")]
    public static Task<IActionResult> DicomWebSearchStudies([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies")] HttpRequest request) =>
        ServeAsync("dicomweb-search-studies", request);

    [Function("dicomweb-search-series")]
    public static Task<IActionResult> DicomWebSearchSeries([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/series")] HttpRequest request) =>
        ServeAsync("dicomweb-search-series", request);

    [Function("dicomweb-search-instances")]
    public static Task<IActionResult> DicomWebSearchInstances([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/instances")] HttpRequest request) =>
        ServeAsync("dicomweb-search-instances", request);

    [Function("dicomweb-search-study-series")]
    public static Task<IActionResult> DicomWebSearchStudySeries([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series")] HttpRequest request) =>
        ServeAsync("dicomweb-search-study-series", request);

    [Function("dicomweb-search-study-instances")]
    public static Task<IActionResult> DicomWebSearchStudyInstances([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/instances")] HttpRequest request) =>
        ServeAsync("dicomweb-search-study-instances", request);

    [Function("dicomweb-search-series-instances")]
    public static Task<IActionResult> DicomWebSearchSeriesInstances([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}/instances")] HttpRequest request) =>
        ServeAsync("dicomweb-search-series-instances", request);

    [Function("dicomweb-retrieve-study")]
    public static Task<IActionResult> DicomWebRetrieveStudy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}")] HttpRequest request) =>
        ServeAsync("dicomweb-retrieve-study", request);

    [Function("dicomweb-retrieve-series")]
    public static Task<IActionResult> DicomWebRetrieveSeries([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}")] HttpRequest request) =>
        ServeAsync("dicomweb-retrieve-series", request);

    [Function("dicomweb-retrieve-instance")]
    public static Task<IActionResult> DicomWebRetrieveInstance([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}/instances/{instance}")] HttpRequest request) =>
        ServeAsync("dicomweb-retrieve-instance", request);

    [Function("dicomweb-metadata-study")]
    public static Task<IActionResult> DicomWebMetadataStudy([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/metadata")] HttpRequest request) =>
        ServeAsync("dicomweb-metadata-study", request);

    [Function("dicomweb-metadata-series")]
    public static Task<IActionResult> DicomWebMetadataSeries([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}/metadata")] HttpRequest request) =>
        ServeAsync("dicomweb-metadata-series", request);

    [Function("dicomweb-metadata-instance")]
    public static Task<IActionResult> DicomWebMetadataInstance([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/metadata")] HttpRequest request) =>
        ServeAsync("dicomweb-metadata-instance", request);

    [Function("dicomweb-frames")]
    public static Task<IActionResult> DicomWebFrames([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frames}")] HttpRequest request) =>
        ServeAsync("dicomweb-frames", request);

    [Function("dicomweb-bulkdata")]
    public static Task<IActionResult> DicomWebBulkdata([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/bulkdata/{path}")] HttpRequest request) =>
        ServeAsync("dicomweb-bulkdata", request);

    [Function("dicomweb-rendered-instance")]
    public static Task<IActionResult> DicomWebRenderedInstance([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/rendered")] HttpRequest request) =>
        ServeAsync("dicomweb-rendered-instance", request);

    [Function("dicomweb-rendered-frame")]
    public static Task<IActionResult> DicomWebRenderedFrame([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/dicomweb/studies/{study}/series/{series}/instances/{instance}/frames/{frames}/rendered")] HttpRequest request) =>
        ServeAsync("dicomweb-rendered-frame", request);

    /// <summary>The shared pipeline (role, tenant, handler) exactly as the embedded server runs it.</summary>
    private static async Task<IActionResult> ServeAsync(string routeName, HttpRequest request) =>
        new ResultAction(await ApiPipeline.ExecuteAsync(ApiRoutes.Get(routeName), request.HttpContext));

    /// <summary>The handlers return minimal-API results; the Functions integration executes action results.</summary>
    private sealed class ResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }
}
