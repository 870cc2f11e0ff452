using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace VNCH.Network.Cli.Tests.Profiles;

/// <summary>
/// A stand-in for the Entra ID token endpoints (v2.0 devicecode and token) over HTTPS on loopback, with a
/// self-signed certificate that only the credentials under test trust. It records every request's form fields.
/// </summary>
public sealed class FakeEntraEndpoint : IAsyncDisposable
{
    public const string UserObjectId = "00000000-0000-0000-0000-0000000000aa";
    private readonly WebApplication app;
    private readonly X509Certificate2 certificate;

    private FakeEntraEndpoint(WebApplication app, X509Certificate2 certificate)
    {
        this.app = app;
        this.certificate = certificate;
    }

    public ConcurrentQueue<(string Path, Dictionary<string, string> Form)> Requests { get; } = new();

    public Uri AuthorityHost { get; private set; } = null!;

    public static async Task<FakeEntraEndpoint> StartAsync()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        var certificate = X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var fake = new FakeEntraEndpoint(app, certificate);
        app.MapPost("/{tenant}/oauth2/v2.0/devicecode", async (HttpContext http) =>
        {
            await fake.RecordAsync(http);
            return Results.Json(new
            {
                user_code = "VNCH-2026",
                device_code = "device-code-1",
                verification_uri = "https://microsoft.com/devicelogin",
                expires_in = 900,
                interval = 1,
                message = "To sign in, open https://microsoft.com/devicelogin and enter the code VNCH-2026.",
            });
        });
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (HttpContext http, string tenant) =>
        {
            var form = await fake.RecordAsync(http);
            var accessToken = $"fake-at-{form["grant_type"]}-{fake.Requests.Count}";
            return form["grant_type"] == "client_credentials"
                ? Results.Json(new { token_type = "Bearer", expires_in = 3600, ext_expires_in = 3600, access_token = accessToken })
                : Results.Json(new
                {
                    token_type = "Bearer",
                    scope = form["scope"],
                    expires_in = 3600,
                    ext_expires_in = 3600,
                    access_token = accessToken,
                    refresh_token = "refresh-1",
                    id_token = IdToken(fake.AuthorityHost, tenant, form["client_id"]),
                    client_info = Base64Url($"{{\"uid\":\"{UserObjectId}\",\"utid\":\"{tenant}\"}}"),
                });
        });
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        fake.AuthorityHost = new Uri($"https://localhost:{port}/");
        return fake;
    }

    /// <summary>Points a credential's options at this endpoint: trust its certificate only, no retries, no instance discovery.</summary>
    public void Configure(TokenCredentialOptions options)
    {
        options.AuthorityHost = AuthorityHost;
        options.Retry.MaxRetries = 0;
        options.Transport = new HttpClientTransport(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        });
        switch (options)
        {
            case DeviceCodeCredentialOptions deviceCode:
                deviceCode.DisableInstanceDiscovery = true;
                break;
            case ClientSecretCredentialOptions secret:
                secret.DisableInstanceDiscovery = true;
                break;
            case ClientCertificateCredentialOptions withCertificate:
                withCertificate.DisableInstanceDiscovery = true;
                break;
        }
    }

    private async Task<Dictionary<string, string>> RecordAsync(HttpContext http)
    {
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        Requests.Enqueue((http.Request.Path.Value!, form));
        return form;
    }

    private static string IdToken(Uri authority, string tenant, string clientId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["aud"] = clientId, ["iss"] = $"{authority}{tenant}/v2.0", ["iat"] = now, ["nbf"] = now, ["exp"] = now + 3600,
            ["oid"] = UserObjectId, ["tid"] = tenant, ["sub"] = "subject-1", ["preferred_username"] = "dieu.duong@bv-nhi.vn", ["name"] = "Điều dưỡng", ["ver"] = "2.0",
        });
        return $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64Url(payload)}.";
    }

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        certificate.Dispose();
    }
}
