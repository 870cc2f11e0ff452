using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.DicomWeb;

namespace VNCH.Network.Api.Features.DicomWeb;

/// <summary>
/// QIDO-RS (PS3.18 10.6): GET studies, series and instances, at the top level or scoped to a study or series. The
/// answer is a DICOM JSON array (200, empty when nothing matches); Warning headers say what was ignored and whether
/// more results exist beyond the page.
/// </summary>
public static class QidoEndpoints
{
    public static Task<IResult> SearchStudies(ApiRequestContext context) => SearchAsync(context, DicomQueryLevel.Study);

    public static Task<IResult> SearchSeries(ApiRequestContext context) => SearchAsync(context, DicomQueryLevel.Series);

    public static Task<IResult> SearchInstances(ApiRequestContext context) => SearchAsync(context, DicomQueryLevel.Instance);

    private static async Task<IResult> SearchAsync(ApiRequestContext context, DicomQueryLevel level)
    {
        if (!AcceptsDicomJson(context.Http.Request))
        {
            return DicomWebResources.NotAcceptable("QIDO-RS answers in application/dicom+json (or application/json).");
        }

        var scope = DicomWebResources.Scope(context);
        var request = QidoRequest.Parse(context.Http.Request.Query, level, scope, out var error);
        if (request is null)
        {
            return ApiProblems.InvalidRequest(error!);
        }

        // One more than the page tells whether more results exist.
        var query = request.Query with { Limit = request.Query.Limit + 1 };
        var queries = context.Service<DicomWebQueries>();
        JsonArray results;
        int found;
        switch (level)
        {
            case DicomQueryLevel.Study:
                var studies = await queries.SearchStudiesAsync(context.Caller, query, context.Aborted);
                found = studies.Count;
                results = QidoResponse.Studies([.. studies.Take(request.Query.Limit)], request, context.Url);
                break;
            case DicomQueryLevel.Series:
                var series = await queries.SearchSeriesAsync(context.Caller, query, context.Aborted);
                found = series.Count;
                results = QidoResponse.Series([.. series.Take(request.Query.Limit)], request, context.Url, withStudy: scope.StudyInstanceUid.Length == 0);
                break;
            default:
                var instances = await queries.SearchInstancesAsync(context.Caller, query, context.Aborted);
                found = instances.Count;
                results = QidoResponse.Instances([.. instances.Take(request.Query.Limit)], request, context.Url,
                    withStudy: scope.StudyInstanceUid.Length == 0, withSeries: scope.SeriesInstanceUid is null);
                break;
        }

        var warnings = request.Warnings.ToList();
        if (found > request.Query.Limit)
        {
            warnings.Add("There are additional results that can be requested.");
        }

        foreach (var warning in warnings)
        {
            context.Http.Response.Headers.Append("Warning", $"299 vnch-network: \"{warning}\"");
        }

        return Results.Text(results.ToJsonString(QidoResponse.Json), DicomWebResources.DicomJsonMediaType, System.Text.Encoding.UTF8);
    }

    private static bool AcceptsDicomJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Length == 0
            || accept.Contains(DicomWebResources.DicomJsonMediaType, StringComparison.OrdinalIgnoreCase)
            || accept.Contains(Core.MediaTypes.Json, StringComparison.OrdinalIgnoreCase)
            || accept.Contains("*/*", StringComparison.Ordinal)
            || accept.Contains("application/*", StringComparison.OrdinalIgnoreCase);
    }
}
