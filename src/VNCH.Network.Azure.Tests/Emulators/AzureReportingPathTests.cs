using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Azure.Cosmos;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Functions;
using VNCH.Network.Functions.Http;

namespace VNCH.Network.Azure.Tests.Emulators;

/// <summary>
/// The reporting door on the Azure path: the Functions app's own container (<see cref="FunctionsAppServices"/>) over
/// cosmosdb-server and Azurite, in a database of its own. Studies saved through the app's study store reach the
/// Cosmos cube; the report HTTP triggers answer from it; the nightly check finds and repairs a damaged cube.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class AzureReportingPathTests : IAsyncLifetime
{
    private const string Directory = "11111111-2222-3333-4444-555555555555";
    private readonly string runId = $"r{Guid.NewGuid():N}"[..12];
    private readonly GeneratedNetwork network = new(300, hospitals: 5);
    private ServiceProvider services = null!;

    public AzureReportingPathTests(EmulatorFixture emulators) => _ = emulators; // the fixture starts the emulators

    public async Task InitializeAsync()
    {
        var settings = EmulatorFixture.Settings(runId);
        settings["AzureAd:Instance"] = "https://login.microsoftonline.com/";
        settings["AzureAd:TenantId"] = Directory;
        settings["AzureAd:ClientId"] = "0b3f9a52-6c1d-4e8f-a7b2-5d9e1c3f4a60";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddVnchFunctionsApp(configuration).BuildServiceProvider();
        await services.GetRequiredService<AzureResourceInitializer>().EnsureCreatedAsync(CancellationToken.None);

        var tenants = services.GetRequiredService<ITenantDirectory>();
        foreach (var tenant in network.Tenants)
        {
            await tenants.UpsertAsync(tenant with { Mappings = [TenantMapping.EntraAppRole(Directory, Role(tenant))] }, CancellationToken.None);
        }

        // Through the app's study store, as the analysis path saves: every final study is projected on the way.
        var studies = services.GetRequiredService<IStudyStore>();
        await Parallel.ForEachAsync(network.Studies, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (study, ct) => await studies.SaveAsync(study, ct));
    }

    public async Task DisposeAsync()
    {
        var clients = services.GetRequiredService<AzureClients>();
        await clients.Cosmos.GetDatabase(runId).DeleteAsync();
        await clients.Originals.DeleteIfExistsAsync();
        await clients.AnalyseQueue.DeleteIfExistsAsync();
        await clients.AnalysePoisonQueue.DeleteIfExistsAsync();
        await services.DisposeAsync();
    }

    [Fact]
    public async Task The_analysis_path_fills_the_cosmos_cube_and_the_report_trigger_serves_brute_force_counts()
    {
        Assert.IsType<CosmosReportingStore>(services.GetRequiredService<IReportingStore>());
        var projector = services.GetRequiredService<ReportingProjector>();
        Assert.True((await projector.VerifyAsync(services.GetRequiredService<IStudyStore>(), CancellationToken.None)).Consistent,
            "the incremental cube equals a rebuild from the records");

        var http = await GetAsync(HttpApiFunctions.NetworkReport, Principal(network.Association), "?table=activity&grain=year&groupBy=province");

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        var rows = Body(http)["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
        var published = rows.Where(r => (string)r["status"]! == "published").ToList();
        Assert.NotEmpty(published);
        var expected = BruteForceByYearAndProvince();
        Assert.All(published, r => Assert.Equal(expected[((string)r["period"]!, (string)r["province"]!)], (int)r["studies"]!));
        Assert.Equal(expected.Keys.Order(), rows.Select(r => ((string)r["period"]!, (string)r["province"]!)).Order());

        // The series trigger serves the exchange formats too: ADX (schema-valid) and a FHIR MeasureReport (Firely).
        const string Series = "?indicator=pediatric-cxr-pneumonia/result&category=pneumonia&grain=year";
        var adx = await GetAsync(HttpApiFunctions.SeriesReport, Principal(network.Association), Series + "&format=adx");
        Assert.Equal(StatusCodes.Status200OK, adx.Response.StatusCode);
        Assert.Empty(AdxSchema.Errors(Text(adx)));
        var fhir = await GetAsync(HttpApiFunctions.SeriesReport, Principal(network.Association), Series + "&format=fhir");
        Assert.Equal(StatusCodes.Status200OK, fhir.Response.StatusCode);
        Assert.Empty(VNCH.Network.Contracts.Fhir.R4Validation.Errors(Text(fhir)));
    }

    [Fact]
    public async Task A_hospital_reads_only_its_own_cells_and_the_association_never_a_study()
    {
        var hospital = network.Hospitals[0];
        var own = await GetAsync(HttpApiFunctions.NetworkReport, Principal(hospital, Roles.ReportsRead), "?grain=year");
        Assert.Equal(StatusCodes.Status200OK, own.Response.StatusCode);
        var rows = Body(own)["rows"]!.AsArray();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(hospital.Id.Value, (string)r!["hospital"]!));

        var study = network.Studies.First(s => s.Tenant == hospital.Id);
        var asAssociation = await GetAsync(HttpApiFunctions.GetStudy, Principal(network.Association, Roles.StudiesRead), "", ("id", study.Id));
        Assert.Contains(asAssociation.Response.StatusCode, new[] { StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound });
    }

    [Fact]
    public async Task The_nightly_check_finds_a_damaged_cube_and_repairs_it()
    {
        var store = services.GetRequiredService<IReportingStore>();
        var facts = await store.ListAsync(CancellationToken.None);
        // Damage: one contribution lost, one extra that no record backs.
        await store.ReplaceAllAsync([.. facts.Skip(1), facts[0] with { Key = "no-such-study" }], CancellationToken.None);
        var projector = services.GetRequiredService<ReportingProjector>();
        var studies = services.GetRequiredService<IStudyStore>();

        var found = await projector.VerifyAndRepairAsync(studies, CancellationToken.None);

        Assert.Equal((1, 0, 1), (found.Missing, found.Stale, found.Extra));
        Assert.True((await projector.VerifyAsync(studies, CancellationToken.None)).Consistent);
        Assert.Equal(facts.Select(f => f.Key), (await store.ListAsync(CancellationToken.None)).Select(f => f.Key));
    }

    /// <summary>Counted apart from the cube (the reporting date is the projection's one rule): final studies by year and province.</summary>
    private Dictionary<(string Year, string Province), int> BruteForceByYearAndProvince()
    {
        var hospitals = network.Hospitals.ToDictionary(h => h.Id);
        return network.Studies.Where(s => s.IsFinal)
            .GroupBy(s => (StudyFactProjection.ReportingDate(s).Date.Year.ToString(System.Globalization.CultureInfo.InvariantCulture), hospitals[s.Tenant].Province!))
            .ToDictionary(g => g.Key, g => g.Count());
    }

    private static string Role(Tenant tenant) => $"{tenant.Kind}.{tenant.Id.Value}";

    private static ClaimsPrincipal Principal(Tenant tenant, params string[] roles) => new(new ClaimsIdentity(
        [new Claim("sub", "analyst-1"), new Claim("tid", Directory), new Claim("roles", Role(tenant)),
         .. (roles.Length == 0 ? [Roles.ReportsRead] : roles).Select(r => new Claim("roles", r))], "Bearer"));

    private async Task<DefaultHttpContext> GetAsync(Func<HttpRequest, Task<IActionResult>> trigger, ClaimsPrincipal user, string query, params (string Key, string Value)[] route)
    {
        var http = new DefaultHttpContext { RequestServices = services, User = user };
        http.Request.Method = "GET";
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("func-x.azurewebsites.net");
        http.Request.QueryString = new QueryString(query.Length == 0 ? null : query);
        http.Response.Body = new MemoryStream();
        foreach (var (key, value) in route)
        {
            http.Request.RouteValues[key] = value;
        }

        var result = await trigger(http.Request);
        await result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
        return http;
    }

    private static JsonObject Body(HttpContext http) => JsonNode.Parse(Text(http))!.AsObject();

    private static string Text(HttpContext http) => System.Text.Encoding.UTF8.GetString(((MemoryStream)http.Response.Body).ToArray());
}
