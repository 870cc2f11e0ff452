using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>
/// The embedded server configured for OpenID Connect sign-in (Vnch:Auth:OpenIdConnect, Vnch:Portal:SignIn msal)
/// against <see cref="FakeOpenIdProvider"/>, with hospital A mapped from the provider's directory and app role as an
/// Entra hospital is (ADR 0105), and a headless chromium.
/// </summary>
public sealed class OpenIdPortalService : IAsyncLifetime
{
    public const string Tenant = "hosp-oidc";
    public const string HospitalRole = "Hospital.hosp-oidc";
    public static readonly string[] ClinicianRoles = ["Studies.Read", "Studies.Upload", "Studies.Review", HospitalRole];

    private readonly TempDirectory data = new("vnch-portal-oidc");
    private ServerProcess? server;

    public FakeOpenIdProvider Provider { get; } = new(Guid.NewGuid().ToString(), "BS. Phạm Minh Châu", ClinicianRoles);

    public ServerProcess Server => server!;

    public PortalBrowser Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Provider.StartAsync();
        var added = await BuiltProgram.RunCliAsync(["tenant", "add", Tenant, "--name", "Bệnh viện Sản Nhi Quảng Ninh", "--province", "Quảng Ninh",
            "--entra-tenant", Provider.DirectoryId, "--entra-app-role", HospitalRole, "--data-path", data.Path]);
        Assert.True(added.ExitCode == 0, added.Stderr);
        server = new ServerProcess(data.Path, extraArguments:
        [
            $"--Vnch:Auth:OpenIdConnect:Authority={Provider.Authority}",
            $"--Vnch:Auth:OpenIdConnect:MetadataAddress={Provider.HttpMetadataAddress}",
            "--Vnch:Portal:SignIn:Mode=msal",
            $"--Vnch:Portal:SignIn:ClientId={FakeOpenIdProvider.ClientId}",
            $"--Vnch:Portal:SignIn:Authority={Provider.Authority}",
            $"--Vnch:Portal:SignIn:Scopes:0={FakeOpenIdProvider.ApiScope}",
            "--Vnch:Portal:SignIn:ProtocolMode=OIDC",
        ]);
        await server.StartAsync();
        Provider.RedirectUri = new Uri(server.BaseAddress, "/portal/").ToString();
        await Browser.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        if (server is not null)
        {
            await server.DisposeAsync();
        }

        await Provider.DisposeAsync();
        data.Dispose();
    }
}

public sealed class PortalOpenIdSignInTests(OpenIdPortalService service) : IClassFixture<OpenIdPortalService>
{
    [Fact]
    public async Task A_clinician_signs_in_with_msal_against_an_openid_provider_and_the_api_maps_her_hospital()
    {
        // The server tells the portal how to sign in, and lets the page reach the provider (and nothing else).
        using var http = new HttpClient { BaseAddress = service.Server.BaseAddress };
        using var configResponse = await http.GetAsync("/portal/config.json");
        var config = await configResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("msal", config.GetProperty("auth").GetProperty("mode").GetString());
        Assert.Equal(service.Provider.Authority, config.GetProperty("auth").GetProperty("authority").GetString());
        var csp = configResponse.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains($"connect-src 'self' {new Uri(service.Provider.Authority).GetLeftPart(UriPartial.Authority)};", csp, StringComparison.Ordinal);
        using var msal = await http.GetAsync("/portal/vendor/msal-browser.min.js");
        Assert.Equal(HttpStatusCode.OK, msal.StatusCode);
        Assert.Contains("@azure/msal-browser v", await msal.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var page = await service.Browser.NewPageAsync(service.Server.BaseAddress, "en-GB", acceptTestCertificates: true);
        await page.GotoAsync("/portal/");
        await page.WaitForSelectorAsync("form.signin button, div.signin button");
        await PortalPages.CheckInBothLanguagesAsync(service.Browser, page, "sign-in-msal");

        // MSAL's redirect: to the provider's authorization endpoint and back with a code, redeemed with PKCE.
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            lock (console)
            {
                console.Add($"{message.Type}: {message.Text}");
            }
        };
        await page.ClickAsync("div.signin button");
        try
        {
            await page.WaitForSelectorAsync("#sign-out");
        }
        catch (TimeoutException)
        {
            var shown = await page.InnerTextAsync("main");
            string[] logged;
            lock (console)
            {
                logged = [.. console];
            }

            Assert.Fail($"Not signed in at {page.Url}: {shown}\nauthorize: {service.Provider.AuthorizeRequests.Count}, token: {service.Provider.TokenRequests.Count}\n{string.Join("\n", logged)}");
        }

        await PortalPages.WaitSettledAsync(page);
        Assert.EndsWith("#/studies", page.Url, StringComparison.Ordinal);
        Assert.Contains("BS. Phạm Minh Châu", await page.InnerTextAsync("#topbar"), StringComparison.Ordinal);
        // The list came from the API with the provider's token: the hospital is mapped (an empty list, not a refusal).
        Assert.Contains("No studies match", await page.InnerTextAsync("main"), StringComparison.Ordinal);

        var authorize = Assert.Single(service.Provider.AuthorizeRequests);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.Contains(FakeOpenIdProvider.ApiScope, authorize["scope"], StringComparison.Ordinal);
        var redeemed = Assert.Single(service.Provider.TokenRequests);
        Assert.Equal("authorization_code", redeemed["grant_type"]);
        Assert.False(string.IsNullOrEmpty(redeemed["code_verifier"]));

        // The token is kept in this tab only, never in localStorage or the URL.
        var token = await page.EvaluateAsync<string>("() => sessionStorage.getItem('vnch.session.token')");
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => Object.keys(localStorage).filter(k => k !== 'vnch.portal.language').length"));
        Assert.DoesNotContain("code=", page.Url, StringComparison.Ordinal);
        await PortalPages.CheckInBothLanguagesAsync(service.Browser, page, "studies-msal");
        Assert.Empty(PortalBrowser.CspViolations(page));
        await page.Context.CloseAsync();

        // The API: the provider's token is accepted and audited under the person's object id.
        using var api = Client(token);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/studies")).StatusCode);
    }

    [Fact]
    public async Task The_server_refuses_provider_tokens_that_are_forged_unmapped_or_claim_a_hospital_themselves()
    {
        var provider = service.Provider;
        using var valid = Client(provider.AccessToken(provider.UserClaims()));
        Assert.Equal(HttpStatusCode.OK, (await valid.GetAsync("/api/v1/studies")).StatusCode);

        // Signed with another key under the provider's name.
        using var otherKey = RSA.Create(2048);
        using var forged = Client(provider.AccessToken(provider.UserClaims(), new RsaSecurityKey(otherKey) { KeyId = provider.SigningKey.KeyId }));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/v1/studies")).StatusCode);

        // A person of the directory without the hospital's app role maps to no hospital.
        using var unmapped = Client(provider.AccessToken(provider.UserClaims(["Studies.Read"])));
        using var refused = await unmapped.GetAsync("/api/v1/studies");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.EndsWith("tenant-not-mapped", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString(), StringComparison.Ordinal);

        // The local hospital claim is for the server's own development tokens only; without tid nothing maps it either.
        var claimed = provider.UserClaims();
        claimed["vnch_tenant"] = OpenIdPortalService.Tenant;
        using var selfClaimed = Client(provider.AccessToken(claimed));
        Assert.Equal(HttpStatusCode.Unauthorized, (await selfClaimed.GetAsync("/api/v1/studies")).StatusCode);
        claimed.Remove("tid");
        using var noDirectory = Client(provider.AccessToken(claimed));
        Assert.Equal(HttpStatusCode.Unauthorized, (await noDirectory.GetAsync("/api/v1/studies")).StatusCode);
    }

    private HttpClient Client(string token)
    {
        var client = new HttpClient { BaseAddress = service.Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
