using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Core;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Api.Features.Studies;

public static class ListStudiesEndpoint
{
    public const int MaxPageSize = 200;

    public static async Task<IResult> Handle(ApiRequestContext context)
    {
        var q = context.Http.Request.Query;
        var query = new StudyQuery();
        if (q["status"].ToString() is { Length: > 0 } status)
        {
            if (!StudyViews.TryParseStatus(status, out var parsed))
            {
                return ApiProblems.InvalidRequest($"Unknown status '{status}'. Use received, queued, analysing, completed, reviewed, rejected, failed or no-analyser.");
            }

            query = query with { Status = parsed };
        }

        if (q["review"].ToString() is { Length: > 0 } review)
        {
            // Review state is a status: pending = analysed and waiting (completed), reviewed = reviewed.
            StudyStatus? reviewStatus = review switch
            {
                "pending" => StudyStatus.Completed,
                "reviewed" => StudyStatus.Reviewed,
                _ => null,
            };
            if (reviewStatus is null || (query.Status is { } asked && asked != reviewStatus))
            {
                return ApiProblems.InvalidRequest(reviewStatus is null
                    ? $"Unknown review state '{review}'. Use pending or reviewed."
                    : $"review={review} contradicts status={StudyViews.Name(query.Status!.Value)}.");
            }

            query = query with { Status = reviewStatus };
        }

        if (q["kind"].ToString() is { Length: > 0 } kind)
        {
            if (!StudyViews.TryParseKind(kind, out var parsed))
            {
                return ApiProblems.InvalidRequest($"Unknown kind '{kind}'. Use imaging, ecg, audiogram or unknown.");
            }

            query = query with { Kind = parsed };
        }

        if (q["modality"].ToString() is { Length: > 0 } modality)
        {
            query = query with { Modality = modality.ToUpperInvariant() };
        }

        if (q["since"].ToString() is { Length: > 0 } since)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return ApiProblems.InvalidRequest($"'since' must be an ISO 8601 date-time, not '{since}'.");
            }

            query = query with { Since = parsed };
        }

        if (q["pageSize"].ToString() is { Length: > 0 } size)
        {
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > MaxPageSize)
            {
                return ApiProblems.InvalidRequest($"'pageSize' must be between 1 and {MaxPageSize}.");
            }

            query = query with { PageSize = parsed };
        }

        query = query with { ContinuationToken = q["continuationToken"].ToString() is { Length: > 0 } token ? token : null };
        // Summaries of study versions already rendered are copied as they are; only changed studies are read (ADR 0118).
        var cache = context.Service<StudySummaryCache>();
        var tenant = context.Caller.Tenant;
        var linkBase = context.Url("/");
        var rendered = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        StudyVersionPage page;
        try
        {
            page = await context.Service<StudyQueries>().ListVersionsAsync(context.Caller, query, (id, etag) =>
            {
                if (cache.TryGet(tenant, id, etag, linkBase, out var json))
                {
                    rendered[id] = json;
                    return false;
                }

                return true;
            }, context.Aborted);
        }
        catch (FormatException)
        {
            return ApiProblems.InvalidRequest("The continuation token is not valid.");
        }

        var options = JsonOptionsOf(context.Http);
        var items = new List<byte[]>(page.Items.Count);
        foreach (var version in page.Items)
        {
            if (!rendered.TryGetValue(version.Id, out var json))
            {
                json = JsonSerializer.SerializeToUtf8Bytes(StudyViews.Summary(version.Study!, context.Url), options);
                cache.Put(tenant, version.Id, version.ETag, linkBase, json);
            }

            items.Add(json);
        }

        return new StudyPageResult(items, page.ContinuationToken, options.Encoder);
    }

    /// <summary>
    /// The page written straight into the response's pipe: a page of 50 to 200 summaries is 75 to 400 KB, which a
    /// buffer of its own (and its copy) put on the large-object heap on every listing, and the gen2 collections
    /// those caused paused every request in flight (issue 12).
    /// </summary>
    private sealed class StudyPageResult(IReadOnlyList<byte[]> items, string? continuationToken, System.Text.Encodings.Web.JavaScriptEncoder? encoder) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            var body = httpContext.Response.BodyWriter;
            using (var writer = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = encoder }))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("items");
                foreach (var json in items)
                {
                    writer.WriteRawValue(json, skipInputValidation: true);
                }

                writer.WriteEndArray();
                writer.WriteString("continuationToken", continuationToken);
                writer.WriteEndObject();
            }

            await body.FlushAsync(httpContext.RequestAborted);
        }
    }

    /// <summary>The options <c>Results.Json</c> writes with on this host, so the listing reads the same as every other answer.</summary>
    private static JsonSerializerOptions JsonOptionsOf(HttpContext http) =>
        http.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions
        ?? JsonSerializerOptions.Web;
}

public static class GetStudyEndpoint
{
    public static async Task<IResult> Handle(ApiRequestContext context)
    {
        var id = context.Http.GetRouteValue("id")?.ToString() ?? "";
        var detail = await context.Service<StudyQueries>().GetDetailAsync(context.Caller, id, context.Aborted);
        if (detail is null)
        {
            return ApiProblems.StudyNotFound(id);
        }

        // The version a review must name in If-Match (POST /api/v1/studies/{id}/review).
        context.Http.Response.Headers.ETag = Core.Features.Review.StudyETags.Header(detail.Study.ETag!);
        return Results.Json(StudyViews.Detail(detail.Study, detail.Instances, context.Url));
    }
}

public static class GetStudyFhirEndpoint
{
    public static async Task<IResult> Handle(ApiRequestContext context)
    {
        var id = context.Http.GetRouteValue("id")?.ToString() ?? "";
        var bundle = await context.Service<StudyQueries>().GetFhirBundleAsync(context.Caller, id, context.Aborted);
        return bundle is null ? ApiProblems.StudyNotFound(id) : Results.Text(bundle, MediaTypes.FhirJson);
    }
}
