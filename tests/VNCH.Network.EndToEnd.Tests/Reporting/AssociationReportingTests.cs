using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Hl7.Fhir.Model;
using VNCH.Network.Contracts.Fhir;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;
using Task = System.Threading.Tasks.Task;

namespace VNCH.Network.EndToEnd.Tests.Reporting;

/// <summary>
/// Two hospitals in two provinces and the association, registered with the CLI; the hospitals upload audiograms
/// (and one chest X-ray) over HTTP; once every analysis is final the association reads the network report as JSON,
/// CSV, FHIR MeasureReports, ADX and DHIS2 dataValueSets, and then its own audit trail of those reads.
/// </summary>
public sealed class AssociationNetwork : IAsyncLifetime
{
    public const string Hanoi = "hosp-hn";
    public const string Danang = "hosp-dn";
    public const string Association = "vpa";
    public const string HanoiFacility = "01-920";
    public const string DanangFacility = "48-015";
    public const int HanoiAudiograms = 8;
    public const int DanangAudiograms = 6;
    public const string PatientPrefix = "VNCH-E2E-RPT-";
    public const string ChestXray = "dicom/derived_pediatric_cxr/peds_cxr_normal_IM-0101-0001_explicitLE.dcm";

    private readonly TempDirectory data = new("vnch-e2e-association");

    public AssociationNetwork()
    {
        // A snapshot per request (everything uploaded is reported at once); threshold 5 so a handful of children shows.
        Server = new ServerProcess(data.Path, extraArguments: ["--Vnch:Reporting:RefreshInterval=00:00:00", "--Vnch:Reporting:Threshold=5"]);
    }

    public ServerProcess Server { get; }

    public string DataPath => data.Path;

    public string TokenHanoi { get; private set; } = "";

    public string TokenDanang { get; private set; } = "";

    /// <summary>The association's analyst: reports only.</summary>
    public string TokenAnalyst { get; private set; } = "";

    /// <summary>The association's administrator: reports and its own audit trail.</summary>
    public string TokenAdmin { get; private set; } = "";

    public string HanoiStudyId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        foreach (var (id, name, extra) in new[]
                 {
                     (Hanoi, "Bệnh viện Nhi Trung ương", new[] { "--province", "Hà Nội", "--facility-code", HanoiFacility }),
                     (Danang, "Bệnh viện Phụ sản - Nhi Đà Nẵng", new[] { "--province", "Đà Nẵng", "--facility-code", DanangFacility }),
                     (Association, "Hội Nhi khoa Việt Nam", new[] { "--kind", "association" }),
                 })
        {
            var added = await BuiltProgram.RunCliAsync(["tenant", "add", id, "--name", name, .. extra, "--data-path", data.Path]);
            Assert.True(added.ExitCode == 0, added.Stderr);
        }

        TokenHanoi = await MintAsync(Hanoi, string.Join(',', Roles.All), "bs-lan");
        TokenDanang = await MintAsync(Danang, string.Join(',', Roles.All), "bs-duc");
        TokenAnalyst = await MintAsync(Association, Roles.ReportsRead, "analyst-yen");
        TokenAdmin = await MintAsync(Association, $"{Roles.ReportsRead},{Roles.TenantsAdmin}", "admin-minh");
        await Server.StartAsync();

        using var hanoi = Client(TokenHanoi);
        using var danang = Client(TokenDanang);
        await UploadAudiogramsAsync(hanoi, "HN", HanoiAudiograms);
        await UploadAudiogramsAsync(danang, "DN", DanangAudiograms);
        using (var xray = new ByteArrayContent(File.ReadAllBytes(TestData.File(ChestXray))))
        {
            xray.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            using var response = await hanoi.PostAsync("/api/v1/studies", xray);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        var studies = await WaitForFinalAsync(hanoi, HanoiAudiograms + 1);
        HanoiStudyId = studies[0].GetProperty("id").GetString()!;
        await WaitForFinalAsync(danang, DanangAudiograms);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        data.Dispose();
    }

    public HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> MintAsync(string tenant, string roles, string user)
    {
        var minted = await BuiltProgram.RunCliAsync("token", "--tenant", tenant, "--roles", roles, "--user", user, "--data-path", data.Path);
        Assert.True(minted.ExitCode == 0, minted.Stderr);
        return minted.Stdout.Trim();
    }

    /// <summary>The documented audiogram, one child each (patient id, sex alternating), posted as single documents.</summary>
    private static async Task UploadAudiogramsAsync(HttpClient client, string site, int count)
    {
        var example = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"));
        for (var i = 0; i < count; i++)
        {
            var document = example.Replace("VNCH-000123", $"{PatientPrefix}{site}-{i:00}", StringComparison.Ordinal);
            document = i % 2 == 0 ? document : document.Replace("\"sex\": \"female\"", "\"sex\": \"male\"", StringComparison.Ordinal);
            using var content = new StringContent(document, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.vnch.audiogram+json");
            using var response = await client.PostAsync("/api/v1/studies", content);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private async Task<List<JsonElement>> WaitForFinalAsync(HttpClient client, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        List<JsonElement> studies;
        do
        {
            studies = await EmbeddedService.ListAllAsync(client);
            if (studies.Count >= count && studies.All(s => EmbeddedService.FinalStatuses.Contains(s.GetProperty("status").GetString())))
            {
                return studies;
            }

            await Task.Delay(250);
        }
        while (DateTime.UtcNow < deadline);

        throw new TimeoutException($"Expected {count} final studies, have {studies.Count}.\n{Server.RecentOutput}");
    }
}

public sealed class AssociationReportingTests(AssociationNetwork network) : IClassFixture<AssociationNetwork>
{
    private const string ByProvince = "/api/v1/reports/network?table=activity&grain=year&groupBy=province,kind";
    private const string ByHospital = "/api/v1/reports/network?table=activity&grain=year&groupBy=hospital,kind";

    private static async Task<(HttpResponseMessage Response, string Body)> GetAsync(HttpClient client, string url, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_association_reads_the_network_in_every_format_with_the_same_published_cells_and_no_identifier()
    {
        using var analyst = network.Client(network.TokenAnalyst);
        var bodies = new List<string>();

        // JSON: the cells; Đà Nẵng's audiograms are published, Hà Nội's single chest X-ray is suppressed.
        var (json, jsonBody) = await GetAsync(analyst, ByProvince);
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        bodies.Add(jsonBody);
        var rows = JsonSerializer.Deserialize<JsonElement>(jsonBody).GetProperty("rows").EnumerateArray().ToList();
        JsonElement Row(string province, string kind) => rows.Single(r => r.GetProperty("province").GetString() == province && r.GetProperty("kind").GetString() == kind);
        Assert.Equal(AssociationNetwork.DanangAudiograms, Row("Đà Nẵng", "audiogram").GetProperty("studies").GetInt32());
        Assert.Equal("suppressed", Row("Hà Nội", "imaging").GetProperty("status").GetString());
        var year = Row("Đà Nẵng", "audiogram").GetProperty("period").GetString()!;

        // CSV by ?format=.
        var (csv, csvBody) = await GetAsync(analyst, ByProvince + "&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        bodies.Add(csvBody);
        Assert.Contains($"{year},", csvBody, StringComparison.Ordinal);

        // ADX: schema-valid, org units from the mapping, exactly the published cells of the JSON (none of the others).
        var (adx, adxBody) = await GetAsync(analyst, ByProvince, "application/adx+xml");
        Assert.Equal(HttpStatusCode.OK, adx.StatusCode);
        Assert.Equal("application/adx+xml", adx.Content.Headers.ContentType?.MediaType);
        bodies.Add(adxBody);
        Assert.Empty(AdxSchema.Errors(adxBody));
        XNamespace ns = "urn:ihe:qrph:adx:2015";
        var groups = XDocument.Parse(adxBody).Root!.Elements(ns + "group").ToList();
        Assert.All(groups, g => Assert.Equal("VNCH_NETWORK_REPORT", (string?)g.Attribute("dataSet")));
        var orgUnits = new Dictionary<string, string> { ["Hà Nội"] = "VN-HN", ["Đà Nẵng"] = "VN-DN" };
        foreach (var row in rows)
        {
            var period = $"{row.GetProperty("period").GetString()}-01-01/P1Y";
            var kind = "KIND_" + row.GetProperty("kind").GetString()!.ToUpperInvariant();
            var value = groups.Where(g => (string?)g.Attribute("orgUnit") == orgUnits[row.GetProperty("province").GetString()!] && (string?)g.Attribute("period") == period)
                .SelectMany(g => g.Elements(ns + "dataValue"))
                .SingleOrDefault(v => (string?)v.Attribute("dataElement") == "VNCH_ACTIVITY_STUDIES_BY_KIND" && (string?)v.Attribute("VNCH_KIND") == kind);
            Assert.Equal(row.GetProperty("status").GetString() == "published" ? row.GetProperty("studies").GetInt32().ToString() : null, (string?)value?.Attribute("value"));
        }

        Assert.Contains(groups, g => (string?)g.Attribute("orgUnit") == "VN-DN" && (string?)g.Attribute("period") == $"{year}-01-01/P1Y");

        // dataValueSets by hospital: the org unit is the facility code registered with the tenant.
        var (dvs, dvsBody) = await GetAsync(analyst, ByHospital, "application/vnd.dhis2.datavaluesets+json");
        Assert.Equal("application/vnd.dhis2.datavaluesets+json", dvs.Content.Headers.ContentType?.MediaType);
        bodies.Add(dvsBody);
        var values = JsonSerializer.Deserialize<JsonElement>(dvsBody).GetProperty("dataValues").EnumerateArray().ToList();
        var danang = values.Single(v => v.GetProperty("orgUnit").GetString() == AssociationNetwork.DanangFacility
            && v.GetProperty("dataElement").GetString() == "VNCH_ACTIVITY_CHILDREN_BY_KIND" && v.GetProperty("categoryOptionCombo").GetString() == "KIND_AUDIOGRAM");
        Assert.Equal(AssociationNetwork.DanangAudiograms.ToString(), danang.GetProperty("value").GetString());
        Assert.Equal(year, danang.GetProperty("period").GetString());

        // FHIR: a Bundle of summary MeasureReports, valid R4, a stratum per published hospital × kind.
        var (fhir, fhirBody) = await GetAsync(analyst, ByHospital, "application/fhir+json");
        Assert.Equal("application/fhir+json", fhir.Content.Headers.ContentType?.MediaType);
        bodies.Add(fhirBody);
        Assert.Empty(R4Validation.Errors(fhirBody));
        var report = FhirJson.Parse<Bundle>(fhirBody).Entry.Select(e => (MeasureReport)e.Resource!).Single(r => r.Period.Start == $"{year}-01-01");
        var stratum = report.Group[0].Stratifier.Single().Stratum.Single(s => s.Component.Any(c => c.Value.Coding[0].Code == AssociationNetwork.DanangFacility)
            && s.Component.Any(c => c.Value.Coding[0].Code == "audiogram"));
        Assert.Equal(AssociationNetwork.DanangAudiograms, (int)stratum.MeasureScore!.Value!.Value);

        // No patient identifier, name or birth date in anything the association received.
        foreach (var body in bodies)
        {
            Assert.DoesNotContain(AssociationNetwork.PatientPrefix, body, StringComparison.Ordinal);
            Assert.DoesNotContain("2019-05-01", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_format_that_is_not_served_is_a_406_problem_and_never_another_body()
    {
        using var analyst = network.Client(network.TokenAnalyst);
        foreach (var (url, accept) in new[] { (ByProvince, "image/png"), (ByProvince + "&format=xlsx", null), ("/api/v1/reports/series?indicator=audiometry/result&category=mild", "application/pdf") })
        {
            var (response, body) = await GetAsync(analyst, url, accept);
            Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("https://vnch.network/problems/not-acceptable", JsonSerializer.Deserialize<JsonElement>(body).GetProperty("type").GetString());
        }

        // Wildcards and preferences: */* is the default JSON; a lower-quality type served wins over an unserved one.
        using var request = new HttpRequestMessage(HttpMethod.Get, ByProvince);
        request.Headers.Accept.ParseAdd("image/png, application/adx+xml;q=0.5");
        using var preferred = await analyst.SendAsync(request);
        Assert.Equal("application/adx+xml", preferred.Content.Headers.ContentType?.MediaType);
        var (any, _) = await GetAsync(analyst, ByProvince, "*/*");
        Assert.Equal("application/json", any.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Hospitals_see_only_themselves_and_the_association_never_a_study()
    {
        using var hanoi = network.Client(network.TokenHanoi);
        var (adx, body) = await GetAsync(hanoi, ByProvince, "application/adx+xml");
        Assert.Equal(HttpStatusCode.OK, adx.StatusCode);
        XNamespace ns = "urn:ihe:qrph:adx:2015";
        Assert.All(XDocument.Parse(body).Root!.Elements(ns + "group"), g => Assert.Equal(AssociationNetwork.HanoiFacility, (string?)g.Attribute("orgUnit")));

        using var uploader = network.Client(await MintAsync(AssociationNetwork.Hanoi, $"{Roles.StudiesUpload},{Roles.StudiesRead}"));
        var (refused, _) = await GetAsync(uploader, ByProvince, "application/adx+xml");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // Whatever roles its token carries, the association's tenant never reaches a study route.
        using var analyst = network.Client(await MintAsync(AssociationNetwork.Association, string.Join(',', Roles.All)));
        foreach (var url in new[] { "/api/v1/studies", $"/api/v1/studies/{network.HanoiStudyId}", $"/api/v1/studies/{network.HanoiStudyId}/fhir", $"/api/v1/studies/{network.HanoiStudyId}/audit" })
        {
            var (response, problem) = await GetAsync(analyst, url);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("not-for-tenant-kind", problem, StringComparison.Ordinal);
            Assert.DoesNotContain(AssociationNetwork.PatientPrefix, problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_associations_administrator_reads_its_own_audit_trail_of_report_reads()
    {
        using var analyst = network.Client(network.TokenAnalyst);
        foreach (var accept in new[] { "application/adx+xml", "application/vnd.dhis2.datavaluesets+json", "application/fhir+json" })
        {
            var (response, _) = await GetAsync(analyst, ByProvince + "&kind=audiogram", accept);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var admin = network.Client(network.TokenAdmin);
        var (trail, body) = await GetAsync(admin, "/api/v1/audit");
        Assert.Equal(HttpStatusCode.OK, trail.StatusCode);
        var records = JsonSerializer.Deserialize<JsonElement>(body).GetProperty("items").EnumerateArray().ToList();
        foreach (var format in new[] { "application/adx+xml", "application/vnd.dhis2.datavaluesets+json", "application/fhir+json" })
        {
            Assert.Contains(records, r => r.GetProperty("action").GetString() == "report.network" && r.GetProperty("actor").GetString()!.EndsWith(":analyst-yen", StringComparison.Ordinal)
                && r.GetProperty("tenant").GetString() == AssociationNetwork.Association && r.GetProperty("outcome").GetString() == "success"
                && r.GetProperty("detail").GetString()!.Contains($"format={format}", StringComparison.Ordinal)
                && r.GetProperty("detail").GetString()!.Contains("kind=audiogram", StringComparison.Ordinal));
        }

        // Reports only: the analyst may not read the trail; a hospital's trail never shows the association's reads.
        var (refused, _) = await GetAsync(analyst, "/api/v1/audit");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var hanoi = network.Client(network.TokenHanoi);
        var (_, hospitalTrail) = await GetAsync(hanoi, "/api/v1/audit");
        Assert.DoesNotContain("analyst-yen", hospitalTrail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_prints_each_exchange_format_byte_for_byte_as_the_api_serves_it()
    {
        using var analyst = network.Client(network.TokenAnalyst);
        foreach (var (format, mediaType) in new[] { ("adx", "application/adx+xml"), ("dhis2", "application/vnd.dhis2.datavaluesets+json"), ("fhir", "application/fhir+json") })
        {
            var cli = await BuiltProgram.RunCliAsync(["report", "network", "--table", "activity", "--grain", "year", "--group-by", "province,kind", "--format", format,
                "--server", network.Server.BaseAddress.ToString(), "--token", network.TokenAnalyst]);
            Assert.True(cli.ExitCode == 0, cli.Stderr);
            var (_, direct) = await GetAsync(analyst, ByProvince, mediaType);
            Assert.Equal(direct, cli.Stdout);
        }

        Assert.Empty(AdxSchema.Errors((await BuiltProgram.RunCliAsync(["report", "network", "--grain", "year", "--group-by", "province,kind", "--format", "adx",
            "--server", network.Server.BaseAddress.ToString(), "--token", network.TokenAnalyst])).Stdout));

        // The series exports too: the CLI prints the dataValueSets the API serves for it, byte for byte.
        var series = await BuiltProgram.RunCliAsync(["report", "series", "--indicator", "audiometry/result", "--category", "mild", "--format", "dhis2",
            "--server", network.Server.BaseAddress.ToString(), "--token", network.TokenAnalyst]);
        Assert.True(series.ExitCode == 0, series.Stderr);
        var (_, directSeries) = await GetAsync(analyst, "/api/v1/reports/series?indicator=audiometry/result&category=mild", "application/vnd.dhis2.datavaluesets+json");
        Assert.Equal(directSeries, series.Stdout);
        Assert.Contains("\"dataValues\"", series.Stdout, StringComparison.Ordinal);
    }

    private async Task<string> MintAsync(string tenant, string roles)
    {
        var minted = await BuiltProgram.RunCliAsync("token", "--tenant", tenant, "--roles", roles, "--data-path", network.DataPath);
        Assert.True(minted.ExitCode == 0, minted.Stderr);
        return minted.Stdout.Trim();
    }
}
