using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Embedded.Auth;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests;

/// <summary>A hospital with one study, for the auth matrix.</summary>
public sealed class OneStudyService : EmbeddedService
{
    public string StudyIdOfA { get; private set; } = "";

    /// <summary>The DICOM UIDs of A's study, for the DICOMweb routes.</summary>
    public Dicom.DicomDataset DicomOfA { get; } = Dicom.DicomReader.ReadFile(TestData.File(TwoHospitals.SingleFiles[0]), Dicom.DicomReadOptions.MetadataOnly).Dataset;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var a = Client(TokenA);
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(TestData.File(TwoHospitals.SingleFiles[0])));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        var body = JsonSerializer.Deserialize<JsonElement>(await (await a.PostAsync("/api/v1/studies", content)).Content.ReadAsStringAsync());
        StudyIdOfA = body.GetProperty("studies")[0].GetProperty("id").GetString()!;
    }
}

/// <summary>
/// Every route of <see cref="ApiRoutes.All"/> against every way a caller can be wrong. Generated from the route table,
/// so a new route is covered the day it is added.
/// </summary>
public sealed class AuthMatrixTests(OneStudyService service) : IClassFixture<OneStudyService>
{
    public enum Caller
    {
        NoToken,
        Expired,
        WrongAudience,
        WrongIssuer,
        WrongKey,
        MissingRole,
        UnmappedTenant,
        OtherTenant,

        /// <summary>An unsigned token (<c>alg: none</c>) with valid claims.</summary>
        AlgNone,

        /// <summary>Key confusion: HS256 "signed" with the server's public key as the HMAC secret.</summary>
        HmacWithPublicKey,
    }

    public static TheoryData<string, Caller> Cases()
    {
        var data = new TheoryData<string, Caller>();
        foreach (var route in ApiRoutes.All)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                data.Add(route.Name, caller);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_route_refuses_the_wrong_caller(string routeName, Caller caller)
    {
        var route = ApiRoutes.Get(routeName);
        using var client = service.Client(Token(route, caller));
        using var response = await client.SendAsync(Request(route));

        var expected = route.IsAnonymous
            ? HttpStatusCode.OK
            : caller switch
            {
                Caller.MissingRole or Caller.UnmappedTenant => HttpStatusCode.Forbidden,
                Caller.OtherTenant => HttpStatusCode.NotFound,
                _ => HttpStatusCode.Unauthorized,
            };
        var addressesOneStudy = route.Pattern.Contains("{id}", StringComparison.Ordinal)
            || (route.Pattern.Contains("{study}", StringComparison.Ordinal) && !route.Pattern.EndsWith("/series", StringComparison.Ordinal) && !route.Pattern.EndsWith("/instances", StringComparison.Ordinal));
        if (caller == Caller.OtherTenant && !addressesOneStudy && !route.IsAnonymous)
        {
            // Routes without a study id answer the other hospital about its own data; isolation is checked by the
            // scenario tests (lists, audit) — here: the caller is accepted, never shown hospital A's study.
            var body = await response.Content.ReadAsStringAsync();
            // A report series is a 404 "no such indicator" while the snapshot has no analysed chest X-ray yet: still an
            // answer about the caller's own view, never hospital A's.
            var noIndicatorYet = route.Name == "reports-series" && response.StatusCode == HttpStatusCode.NotFound
                && body.Contains("https://vnch.network/problems/report-table-not-found", StringComparison.Ordinal);
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.Conflict || noIndicatorYet, $"{route.Name}: {response.StatusCode}");
            Assert.DoesNotContain(EmbeddedService.TenantA, body, StringComparison.Ordinal);
            if (route.Name.StartsWith("studies-", StringComparison.Ordinal))
            {
                Assert.DoesNotContain(service.StudyIdOfA, body, StringComparison.Ordinal);
            }

            return;
        }

        Assert.Equal(expected, response.StatusCode);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var type = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()).GetProperty("type").GetString();
            var slug = caller switch
            {
                Caller.MissingRole => "missing-role",
                Caller.UnmappedTenant => "tenant-not-mapped",
                Caller.OtherTenant => "study-not-found",
                _ => "unauthenticated",
            };
            Assert.Equal($"https://vnch.network/problems/{slug}", type);
        }
    }

    [Fact]
    public async Task The_api_description_is_served_to_authenticated_callers_only()
    {
        using (var anonymous = service.Client(null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/openapi/v1.json")).StatusCode);
        }

        using var forged = service.Client(ForgedToken("none", TenantId.Parse(EmbeddedService.TenantA), Roles.StudiesRead, DateTimeOffset.UtcNow, secret: null));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/openapi/v1.json")).StatusCode);
        using var a = service.Client(service.TokenA);
        using var response = await a.GetAsync("/api/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("/api/v1/studies", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_matrix_covers_every_route_with_a_role()
    {
        Assert.All(ApiRoutes.All.Where(r => !r.IsAnonymous), r => Assert.Contains(r.RequiredRole, Roles.All));
        Assert.Equal(["health"], ApiRoutes.All.Where(r => r.IsAnonymous).Select(r => r.Name));
    }

    private string? Token(ApiRoute route, Caller caller)
    {
        var key = LocalAuth.LoadOrCreateSigningKey(new DataFolder(service.DataPath));
        var tenantA = TenantId.Parse(EmbeddedService.TenantA);
        var role = route.RequiredRole ?? Roles.StudiesRead;
        var now = DateTimeOffset.UtcNow;
        return caller switch
        {
            Caller.NoToken => null,
            Caller.Expired => LocalAuth.MintToken(key, tenantA, [role], TimeSpan.FromMinutes(-10), now),
            Caller.WrongAudience => LocalAuth.MintToken(key, tenantA, [role], TimeSpan.FromHours(1), now, audience: "api://someone-else"),
            Caller.WrongIssuer => LocalAuth.MintToken(key, tenantA, [role], TimeSpan.FromHours(1), now, issuer: "https://login.example.org/"),
            Caller.WrongKey => LocalAuth.MintToken(OtherKey.Value, tenantA, [role], TimeSpan.FromHours(1), now),
            Caller.MissingRole => LocalAuth.MintToken(key, tenantA, Roles.All.Where(r => r != role).ToArray(), TimeSpan.FromHours(1), now),
            Caller.UnmappedTenant => LocalAuth.MintToken(key, TenantId.Parse("hosp-unknown"), [role], TimeSpan.FromHours(1), now),
            Caller.OtherTenant => LocalAuth.MintToken(key, TenantId.Parse(EmbeddedService.TenantB), [role], TimeSpan.FromHours(1), now),
            Caller.AlgNone => ForgedToken("none", tenantA, role, now, secret: null),
            Caller.HmacWithPublicKey => ForgedToken("HS256", tenantA, role, now,
                secret: System.Text.Encoding.UTF8.GetBytes(((ECDsaSecurityKey)key).ECDsa.ExportSubjectPublicKeyInfoPem())),
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };
    }

    /// <summary>A token with every claim right but forged: unsigned, or MACed with a secret an attacker knows.</summary>
    private static string ForgedToken(string algorithm, TenantId tenant, string role, DateTimeOffset now, byte[]? secret)
    {
        static string Encode(object value) => Base64UrlEncoder.Encode(JsonSerializer.SerializeToUtf8Bytes(value));
        var header = Encode(new Dictionary<string, object> { ["alg"] = algorithm, ["typ"] = "JWT" });
        var payload = Encode(new Dictionary<string, object>
        {
            ["iss"] = LocalAuth.Issuer,
            ["aud"] = LocalAuth.Audience,
            ["sub"] = "attacker",
            [LocalAuth.TenantClaim] = tenant.Value,
            ["roles"] = new[] { role },
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        });
        var signature = secret is null
            ? ""
            : Base64UrlEncoder.Encode(System.Security.Cryptography.HMACSHA256.HashData(secret, System.Text.Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static readonly Lazy<SecurityKey> OtherKey = new(() =>
    {
        using var folder = new TempDirectory("vnch-other-key");
        return LocalAuth.LoadOrCreateSigningKey(new DataFolder(folder.Path));
    });

    private HttpRequestMessage Request(ApiRoute route)
    {
        var dicom = service.DicomOfA;
        var path = route.Pattern.Replace("{id}", service.StudyIdOfA, StringComparison.Ordinal)
            .Replace("{study}", dicom.GetString(Dicom.DicomTags.StudyInstanceUID), StringComparison.Ordinal)
            .Replace("{series}", dicom.GetString(Dicom.DicomTags.SeriesInstanceUID), StringComparison.Ordinal)
            .Replace("{instance}", dicom.GetString(Dicom.DicomTags.SOPInstanceUID), StringComparison.Ordinal)
            .Replace("{frames}", "1", StringComparison.Ordinal)
            .Replace("{path}", "7FE00010", StringComparison.Ordinal)
            .Replace("{model}", "ecg-intervals", StringComparison.Ordinal)
            + (route.Name == "reports-series" ? "?indicator=pediatric-cxr-pneumonia/result&category=pneumonia" : "");
        var request = new HttpRequestMessage(new HttpMethod(route.Method), path);
        if (route.Name == "studies-review")
        {
            // A well-formed review (without If-Match): whoever is wrong about the caller is refused before it counts.
            request.Content = new StringContent("{\"decision\":\"confirm\",\"comment\":\"matrix\"}", System.Text.Encoding.UTF8, "application/json");
        }
        else if (route.Method == "POST")
        {
            var content = new ByteArrayContent("not a study"u8.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            request.Content = content;
        }

        return request;
    }
}
