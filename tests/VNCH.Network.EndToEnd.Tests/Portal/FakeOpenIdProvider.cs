using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VNCH.Network.EndToEnd.Tests.Portal;

/// <summary>
/// A small OpenID Connect provider for the MSAL sign-in test, in the test process: discovery, the authorization
/// endpoint (which signs the configured person in at once: there is no login form to drive), the token endpoint
/// (authorization code with PKCE S256, one use per code) and the signing keys. It issues an id token for the portal
/// and an access token for the API, RS256-signed with a key of this run, shaped like Entra ID's (tid, oid, name, roles).
/// The browser reaches it over https (MSAL accepts no other authority; a self-signed certificate the test's browser
/// context is told to accept); the embedded server reads its metadata and keys over plain http on loopback, the one
/// case its options allow, so neither process has to trust a test certificate.
/// </summary>
public sealed class FakeOpenIdProvider : IAsyncDisposable
{
    public const string Path = "/fake-directory";
    public const string ClientId = "vnch-portal-test";
    public const string ApiScope = "api://vnch-network/access";

    private readonly RSA rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, PendingCode> codes = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> authorizeRequests = new();
    private readonly ConcurrentQueue<IReadOnlyDictionary<string, string>> tokenRequests = new();
    private WebApplication? app;

    /// <param name="directoryId">The directory (tid) of every token.</param>
    /// <param name="user">The person signed in at the authorization endpoint: name and roles of the access token.</param>
    public FakeOpenIdProvider(string directoryId, string name, IReadOnlyList<string> roles)
    {
        DirectoryId = directoryId;
        Name = name;
        Roles = roles;
        SigningKey = new RsaSecurityKey(rsa) { KeyId = "fake-key-1" };
    }

    public string DirectoryId { get; }

    public string Name { get; }

    public IReadOnlyList<string> Roles { get; }

    public string ObjectId { get; } = Guid.NewGuid().ToString();

    public RsaSecurityKey SigningKey { get; }

    /// <summary>The issuer and MSAL authority: https://127.0.0.1:port/fake-directory.</summary>
    public string Authority { get; private set; } = "";

    /// <summary>The metadata document over plain http (for the embedded server).</summary>
    public string HttpMetadataAddress { get; private set; } = "";

    /// <summary>The portal's redirect URI the authorization endpoint accepts (its registration).</summary>
    public string RedirectUri { get; set; } = "";

    public IReadOnlyList<IReadOnlyDictionary<string, string>> AuthorizeRequests => [.. authorizeRequests];

    public IReadOnlyList<IReadOnlyDictionary<string, string>> TokenRequests => [.. tokenRequests];

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        using var certificate = SelfSignedLoopbackCertificate();
        var serving = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(serving));
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        app = builder.Build();
        app.Use(async (http, next) =>
        {
            // The portal's page calls discovery and the token endpoint from its own origin.
            http.Response.Headers.AccessControlAllowOrigin = "*";
            if (HttpMethods.IsOptions(http.Request.Method))
            {
                http.Response.Headers.AccessControlAllowMethods = "GET, POST, OPTIONS";
                http.Response.Headers.AccessControlAllowHeaders = http.Request.Headers.AccessControlRequestHeaders.ToString() is { Length: > 0 } asked ? asked : "*";
                http.Response.StatusCode = StatusCodes.Status204NoContent;
                return;
            }

            await next(http);
        });
        app.MapGet($"{Path}/.well-known/openid-configuration", (HttpContext http) => Results.Json(Metadata(http)));
        app.MapGet($"{Path}/discovery/v2.0/keys", () => Results.Json(new { keys = new[] { Jwk() } }));
        app.MapGet($"{Path}/oauth2/v2.0/authorize", (Delegate)Authorize);
        app.MapPost($"{Path}/oauth2/v2.0/token", (Delegate)TokenAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(u => new Uri(u)).ToList();
        Authority = $"https://127.0.0.1:{addresses.Single(a => a.Scheme == Uri.UriSchemeHttps).Port}{Path}";
        HttpMetadataAddress = $"http://127.0.0.1:{addresses.Single(a => a.Scheme == Uri.UriSchemeHttp).Port}{Path}/.well-known/openid-configuration";
    }

    /// <summary>An access token of this provider with any claims (for the server's refusals).</summary>
    public string AccessToken(IDictionary<string, object> claims, SecurityKey? key = null) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = "api://vnch-network",
            Claims = claims,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? SigningKey, SecurityAlgorithms.RsaSha256),
        });

    public Dictionary<string, object> UserClaims(IEnumerable<string>? roles = null) => new()
    {
        ["sub"] = ObjectId,
        ["oid"] = ObjectId,
        ["tid"] = DirectoryId,
        ["name"] = Name,
        ["azp"] = ClientId,
        ["scp"] = "access",
        ["roles"] = (roles ?? Roles).ToArray(),
    };

    private object Metadata(HttpContext http)
    {
        // The same issuer on both listeners; endpoints on the listener asked (the browser's https, the server's http).
        var origin = $"{http.Request.Scheme}://{http.Request.Host}{Path}";
        return new
        {
            issuer = Authority,
            authorization_endpoint = $"{Authority}/oauth2/v2.0/authorize",
            token_endpoint = $"{Authority}/oauth2/v2.0/token",
            end_session_endpoint = $"{Authority}/oauth2/v2.0/logout",
            jwks_uri = $"{origin}/discovery/v2.0/keys",
            response_types_supported = new[] { "code" },
            response_modes_supported = new[] { "query", "fragment" },
            subject_types_supported = new[] { "pairwise" },
            id_token_signing_alg_values_supported = new[] { "RS256" },
            scopes_supported = new[] { "openid", "profile", "offline_access" },
            code_challenge_methods_supported = new[] { "S256" },
        };
    }

    private IResult Authorize(HttpContext http)
    {
        var query = http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        authorizeRequests.Enqueue(query);
        if (query.GetValueOrDefault("client_id") != ClientId || query.GetValueOrDefault("redirect_uri") != RedirectUri)
        {
            return Results.BadRequest("unknown client or redirect_uri");
        }

        if (query.GetValueOrDefault("response_type") != "code" || query.GetValueOrDefault("code_challenge_method") != "S256" || string.IsNullOrEmpty(query.GetValueOrDefault("code_challenge")))
        {
            return Results.BadRequest("authorization code with PKCE S256 only");
        }

        var code = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        codes[code] = new PendingCode(query["code_challenge"], query.GetValueOrDefault("nonce"), query.GetValueOrDefault("scope") ?? "", query["redirect_uri"]);
        var separator = query.GetValueOrDefault("response_mode") == "query" ? "?" : "#";
        var state = Uri.EscapeDataString(query.GetValueOrDefault("state") ?? "");
        return Results.Redirect($"{query["redirect_uri"]}{separator}code={code}&state={state}");
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var form = (await http.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString());
        tokenRequests.Enqueue(form);
        if (form.GetValueOrDefault("grant_type") != "authorization_code" || !codes.TryRemove(form.GetValueOrDefault("code") ?? "", out var pending))
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var verifier = form.GetValueOrDefault("code_verifier") ?? "";
        if (Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != pending.Challenge
            || form.GetValueOrDefault("client_id") != ClientId || form.GetValueOrDefault("redirect_uri") != pending.RedirectUri)
        {
            return Results.Json(new { error = "invalid_grant", error_description = "PKCE verifier, client or redirect_uri mismatch" }, statusCode: StatusCodes.Status400BadRequest);
        }

        var now = DateTime.UtcNow;
        var idClaims = new Dictionary<string, object>
        {
            ["sub"] = ObjectId,
            ["oid"] = ObjectId,
            ["tid"] = DirectoryId,
            ["name"] = Name,
            ["preferred_username"] = "bs.chau@benhvien.example",
        };
        if (pending.Nonce is { Length: > 0 } nonce)
        {
            idClaims["nonce"] = nonce;
        }

        var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = ClientId,
            Claims = idClaims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.RsaSha256),
        });
        return Results.Json(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["scope"] = pending.Scope,
            ["expires_in"] = 3600,
            ["ext_expires_in"] = 3600,
            ["access_token"] = AccessToken(UserClaims()),
            ["id_token"] = idToken,
        });
    }

    private object Jwk()
    {
        var parameters = rsa.ExportParameters(false);
        return new { kty = "RSA", use = "sig", kid = SigningKey.KeyId, alg = "RS256", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) };
    }

    private static X509Certificate2 SelfSignedLoopbackCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }

        rsa.Dispose();
    }

    private sealed record PendingCode(string Challenge, string? Nonce, string Scope, string RedirectUri);
}
