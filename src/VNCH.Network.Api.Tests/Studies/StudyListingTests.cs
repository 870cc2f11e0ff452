using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Features.Studies;
using VNCH.Network.Api.Routing;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Tests.Studies;

/// <summary>
/// The listing copies summaries it rendered before for an unchanged study version (ADR 0118): its answer must be the
/// one rendering every study afresh gives, show a change at once, stay within the caller's hospital and be audited.
/// </summary>
public sealed class StudyListingTests
{
    private static readonly TenantId A = TenantId.Parse("hosp-a");
    private static readonly TenantId B = TenantId.Parse("hosp-b");
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly InMemoryStudyStore studies = new();
    private readonly InMemoryAuditSink audit = new();
    private readonly ServiceProvider services;

    public StudyListingTests()
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddSingleton(TimeProvider.System);
        collection.AddSingleton<IStudyStore>(studies);
        collection.AddSingleton<IRecordStore>(new InMemoryRecordStore());
        collection.AddSingleton<IAuditSink>(audit);
        collection.AddVnchCore(new ConfigurationBuilder().Build());
        collection.AddSingleton<StudySummaryCache>();
        services = collection.BuildServiceProvider();
    }

    [Fact]
    public async Task Cached_summaries_read_exactly_as_freshly_rendered_ones_and_a_change_shows_at_once()
    {
        for (var i = 0; i < 4; i++)
        {
            await studies.SaveAsync(StudyStoreContractTests.NewStudy(A, $"a-{i}", StudyStatus.Analysing, T0.AddMinutes(i)), CancellationToken.None);
        }

        var cold = await ListAsync(A, "?pageSize=3");
        Assert.Equal(3, services.GetRequiredService<StudySummaryCache>().Count);
        var warm = await ListAsync(A, "?pageSize=3");
        Assert.Equal(await ExpectedAsync(A, 3), cold);
        Assert.Equal(cold, warm);

        var changed = (await studies.GetAsync(A, "a-3", CancellationToken.None))!;
        changed.Fail(T0.AddMinutes(10), new StatusReason(IngestReasons.ProcessingFailure, "model crashed"));
        await studies.SaveAsync(changed, CancellationToken.None);
        var after = await ListAsync(A, "?pageSize=3");

        Assert.Equal(await ExpectedAsync(A, 3), after);
        Assert.Contains("\"status\":\"failed\"", after, StringComparison.Ordinal);
        Assert.Equal(3, audit.All.Count(r => r.Action == "study.list" && r.Tenant == A));
    }

    [Fact]
    public async Task Another_hospital_never_gets_a_summary_cached_for_the_first()
    {
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(A, "same-id", StudyStatus.Completed, T0), CancellationToken.None);
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(B, "same-id", StudyStatus.Rejected, T0), CancellationToken.None);

        var ofA = await ListAsync(A, "");
        var ofB = await ListAsync(B, "");

        Assert.Contains("\"status\":\"completed\"", ofA, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"rejected\"", ofB, StringComparison.Ordinal);
        Assert.DoesNotContain("\"status\":\"completed\"", ofB, StringComparison.Ordinal);
        Assert.Equal(await ExpectedAsync(B, 50), ofB);
    }

    private async Task<string> ListAsync(TenantId tenant, string query)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "GET";
        http.Request.Path = "/api/v1/studies";
        http.Request.QueryString = new QueryString(query);
        http.Response.Body = new MemoryStream();
        var caller = new Caller(tenant, "tester", new HashSet<string> { Roles.StudiesRead }, "corr-list");
        var result = await ListStudiesEndpoint.Handle(new ApiRequestContext(http, caller));
        await result.ExecuteAsync(http);
        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", http.Response.ContentType);
        return Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
    }

    /// <summary>The answer as it was written before the cache: every study of the page rendered through Results.Json.</summary>
    private async Task<string> ExpectedAsync(TenantId tenant, int pageSize)
    {
        var page = await studies.QueryAsync(tenant, new StudyQuery { PageSize = pageSize }, CancellationToken.None);
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        var url = new ApiRequestContext(http, null);
        await Results.Json(new
        {
            items = page.Items.Select(s => StudyViews.Summary(s, url.Url)),
            continuationToken = page.ContinuationToken,
        }).ExecuteAsync(http);
        return Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
    }
}
