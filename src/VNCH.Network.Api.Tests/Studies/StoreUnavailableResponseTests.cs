using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Features.Studies;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Tests.Studies;

/// <summary>Issue 13, faults: storage full or unavailable during an upload is a 503 problem+json with Retry-After.</summary>
public sealed class StoreUnavailableResponseTests
{
    private static readonly IngestOutcome Stored = new(IngestStatus.Accepted, "study-1", "1.2.3", "1.2.840.10008.5.1.4.1.1.1", new string('a', 64));
    private static readonly IngestOutcome Unavailable = new(IngestStatus.Failed, null, null, null, null, IngestReasons.OutOfResources, "storage is full");
    private static readonly IngestOutcome Conflict = new(IngestStatus.Failed, "study-1", "1.2.4", null, new string('b', 64), IngestReasons.InstanceConflict, "conflict");

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a STOW-RS client asking for application/dicom+json gets the same 503
    public async Task An_upload_the_store_could_not_record_is_503_problem_json_with_retry_after(bool dicomJson)
    {
        var (status, headers, body) = await RespondAsync(dicomJson, Unavailable);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.Equal("application/problem+json", headers.ContentType.ToString());
        Assert.True(int.TryParse(headers.RetryAfter.ToString(), out var seconds) && seconds > 0, $"Retry-After: '{headers.RetryAfter}'");
        using var problem = JsonDocument.Parse(body);
        Assert.Equal("https://vnch.network/problems/storage-unavailable", problem.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_multipart_upload_where_one_part_hit_the_full_store_is_503_too_since_retrying_all_is_safe()
    {
        var (status, headers, _) = await RespondAsync(false, Stored, Unavailable);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.False(string.IsNullOrEmpty(headers.RetryAfter.ToString()));
    }

    [Fact]
    public async Task Failures_that_a_retry_cannot_fix_keep_their_stow_status()
    {
        Assert.Equal(StatusCodes.Status202Accepted, (await RespondAsync(false, Stored, Conflict)).Status);
        Assert.Equal(StatusCodes.Status409Conflict, (await RespondAsync(false, Conflict)).Status);
    }

    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> RespondAsync(bool dicomJson, params IngestOutcome[] outcomes)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("localhost");
        if (dicomJson)
        {
            http.Request.Headers.Accept = "application/dicom+json";
        }

        var body = new MemoryStream();
        http.Response.Body = body;
        var context = new ApiRequestContext(http, new Caller(TenantId.Parse("hosp-a"), "u1", new HashSet<string>(), "corr-1"));
        await StowResponse.Create(context, outcomes).ExecuteAsync(http);
        return (http.Response.StatusCode, http.Response.Headers, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
