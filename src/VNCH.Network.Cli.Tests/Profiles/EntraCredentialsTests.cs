using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VNCH.Network.Cli.Commands.Profiles;
using VNCH.Network.Testing;

namespace VNCH.Network.Cli.Tests.Profiles;

/// <summary>
/// The Entra ID sign-ins through Azure.Identity against a fake token endpoint (HTTPS on loopback): the requests the
/// credentials send, and the persistent cache kept owner-only in the profile so the next run needs no request.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EntraCredentialsTests : IAsyncLifetime
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string ClientId = "66666666-7777-8888-9999-000000000000";
    private const string Scope = "api://vnch-network-test/.default";
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory home = new("vnch-entra");
    private FakeEntraEndpoint entra = null!;

    private ProfileStore Store => new(Path.Combine(home.Path, "vnch"));

    public async Task InitializeAsync() => entra = await FakeEntraEndpoint.StartAsync();

    private CliProfile Profile(string auth, string? certificate = null) => new()
    {
        Server = "https://vnch.example.vn", Auth = auth, EntraTenant = Tenant, ClientId = ClientId, Scope = Scope,
        AuthorityHost = entra.AuthorityHost.ToString(), CertificatePath = certificate,
    };

    [Fact]
    public async Task Device_code_sign_in_prompts_once_then_later_runs_use_the_owner_only_cache_without_a_request()
    {
        var profile = Profile(AuthMethods.DeviceCode);
        string? prompt = null;
        var credential = EntraCredentials.Create(Store, "person", profile, interactive: true,
            (info, _) => { prompt = info.Message; return Task.CompletedTask; }, entra.Configure);

        var token = await EntraCredentials.SignInAsync(Store, "person", profile, credential, CancellationToken.None);

        Assert.Contains("VNCH-2026", prompt, StringComparison.Ordinal);
        var (devicePath, deviceForm) = entra.Requests.First();
        Assert.Equal($"/{Tenant}/oauth2/v2.0/devicecode", devicePath);
        Assert.Equal(ClientId, deviceForm["client_id"]);
        Assert.Contains(Scope, deviceForm["scope"].Split(' '));
        Assert.Contains("offline_access", deviceForm["scope"].Split(' '));
        var (tokenPath, tokenForm) = entra.Requests.Last();
        Assert.Equal($"/{Tenant}/oauth2/v2.0/token", tokenPath);
        Assert.Equal("device_code", tokenForm["grant_type"]); // MSAL uses the short form Entra v2.0 accepts
        Assert.Equal("device-code-1", tokenForm["device_code"]);
        Assert.Equal(ClientId, tokenForm["client_id"]);
        Assert.StartsWith("fake-at-device_code", token.Token, StringComparison.Ordinal);
        foreach (var kind in new[] { EntraCredentials.AuthenticationRecordKind, ProfileTokenCache.Kind })
        {
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Store.SecretFile("person", kind)));
        }

        // The next command (a new process: new credential objects) reads the record and the cache, asks nobody.
        var requests = entra.Requests.Count;
        var later = new CredentialTokenSource(EntraCredentials.Create(Store, "person", profile, interactive: false, configure: entra.Configure), Scope, "person");
        Assert.Equal(token.Token, await later.GetTokenAsync(CancellationToken.None));
        Assert.Equal(requests, entra.Requests.Count);
    }

    [Fact]
    public async Task A_command_never_starts_a_device_code_flow_it_asks_for_vnch_login()
    {
        var error = Assert.Throws<ProfileException>(() =>
            EntraCredentials.Create(Store, "person", Profile(AuthMethods.DeviceCode), interactive: false, configure: entra.Configure));

        Assert.Contains("vnch login --profile person", error.Message, StringComparison.Ordinal);
        Assert.Empty(entra.Requests);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Client_secret_sends_the_client_credentials_grant_and_caches_the_token_in_the_profile()
    {
        var profile = Profile(AuthMethods.ClientSecret);
        Store.WritePrivate(Store.SecretFile("daemon", EntraCredentials.ClientSecretKind), "s3cr3t-value"u8);

        var token = await EntraCredentials.SignInAsync(Store, "daemon", profile,
            EntraCredentials.Create(Store, "daemon", profile, interactive: true, configure: entra.Configure), CancellationToken.None);

        var (path, form) = Assert.Single(entra.Requests);
        Assert.Equal($"/{Tenant}/oauth2/v2.0/token", path);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal(ClientId, form["client_id"]);
        Assert.Equal("s3cr3t-value", form["client_secret"]);
        Assert.Equal(Scope, form["scope"]);
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Store.SecretFile("daemon", ProfileTokenCache.Kind)));

        var later = new CredentialTokenSource(EntraCredentials.Create(Store, "daemon", profile, interactive: false, configure: entra.Configure), Scope, "daemon");
        Assert.Equal(token.Token, await later.GetTokenAsync(CancellationToken.None));
        Assert.Single(entra.Requests);
    }

    [Fact]
    public async Task Client_certificate_sends_a_jwt_assertion_signed_by_the_certificate_for_the_token_endpoint()
    {
        using var key = RSA.Create(2048);
        using var certificate = new CertificateRequest("CN=vnch-daemon", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var pem = Path.Combine(home.Path, "daemon.pem");
        File.WriteAllText(pem, certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem());
        var profile = Profile(AuthMethods.ClientCertificate, pem);

        await EntraCredentials.SignInAsync(Store, "daemon", profile,
            EntraCredentials.Create(Store, "daemon", profile, interactive: true, configure: entra.Configure), CancellationToken.None);

        var (path, form) = Assert.Single(entra.Requests);
        Assert.Equal("client_credentials", form["grant_type"]);
        Assert.Equal("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form["client_assertion_type"]);
        Assert.False(form.ContainsKey("client_secret"));
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(form["client_assertion"], new TokenValidationParameters
        {
            IssuerSigningKey = new X509SecurityKey(X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert))),
            ValidIssuer = ClientId,
            ValidAudience = $"{entra.AuthorityHost}{Tenant}/oauth2/v2.0/token",
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        Assert.Equal(ClientId, validation.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.Equal($"/{Tenant}/oauth2/v2.0/token", path);
    }

    public async Task DisposeAsync()
    {
        await entra.DisposeAsync();
        home.Dispose();
    }
}
