using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using VNCH.Network.Api.Authentication;
using VNCH.Network.Embedded.Auth;

namespace VNCH.Network.Server;

/// <summary>
/// An OpenID Connect provider whose access tokens the embedded host accepts besides its own development tokens
/// (section <c>Vnch:Auth:OpenIdConnect</c>): Entra ID for a hospital that signs its clinicians in with it, or any
/// standard provider. Signing keys come from the provider's metadata only. A token of this issuer is mapped to a
/// hospital as an Entra token is (ADR 0105: its directory <c>tid</c> with an assigned group or app role), so it must
/// carry <c>tid</c> and may not carry the local hospital claim. ADR 0094.
/// </summary>
public sealed class OpenIdConnectIssuerOptions
{
    public const string Section = "Vnch:Auth:OpenIdConnect";
    public const string Scheme = "oidc";

    /// <summary>The issuer (token <c>iss</c>), https, e.g. https://login.microsoftonline.com/&lt;directory&gt;/v2.0.</summary>
    public string? Authority { get; set; }

    /// <summary>The API's audience in the provider's access tokens (Entra ID: api://&lt;API client id&gt;).</summary>
    public string Audience { get; set; } = LocalAuth.Audience;

    /// <summary>
    /// Where the metadata document is, when not under the authority. Plain http only on a loopback address (a
    /// provider on the same machine, as in the tests); anything else must be https.
    /// </summary>
    public string? MetadataAddress { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public void Validate()
    {
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{Section}:Authority must be the provider's https issuer URL.");
        }

        if (MetadataAddress is not null
            && (!Uri.TryCreate(MetadataAddress, UriKind.Absolute, out var metadata)
                || !(metadata.Scheme == Uri.UriSchemeHttps || (metadata.Scheme == Uri.UriSchemeHttp && IsLoopback(metadata)))))
        {
            throw new InvalidOperationException($"{Section}:MetadataAddress must be https (http only on a loopback address).");
        }
    }

    internal bool MetadataOverPlainHttp => MetadataAddress is not null && new Uri(MetadataAddress).Scheme == Uri.UriSchemeHttp;

    private static bool IsLoopback(Uri uri) => uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip));
}

public static class OpenIdConnectIssuer
{
    private const string Selector = "vnch";

    /// <summary>
    /// Local development tokens (always) and, when <see cref="OpenIdConnectIssuerOptions.Authority"/> is set, the
    /// provider's tokens; the token's <c>iss</c> picks the scheme, so a token is only ever checked against its own keys.
    /// </summary>
    public static AuthenticationBuilder AddVnchEmbeddedAuthentication(this IServiceCollection services, IConfiguration configuration, Microsoft.IdentityModel.Tokens.SecurityKey localKey)
    {
        var issuer = configuration.GetSection(OpenIdConnectIssuerOptions.Section).Get<OpenIdConnectIssuerOptions>() ?? new();
        if (!issuer.Enabled)
        {
            return services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
            {
                options.UseValidatedTokenCache(TimeProvider.System);
                options.TokenValidationParameters = LocalAuth.ValidationParameters(localKey);
            });
        }

        issuer.Validate();
        return services.AddAuthentication(Selector)
            .AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, options =>
            {
                options.UseValidatedTokenCache(TimeProvider.System);
                options.TokenValidationParameters = LocalAuth.ValidationParameters(localKey);
            })
            .AddJwtBearer(OpenIdConnectIssuerOptions.Scheme, options =>
            {
                options.UseValidatedTokenCache(TimeProvider.System);
                options.Authority = issuer.Authority;
                options.Audience = issuer.Audience;
                options.MetadataAddress = issuer.MetadataAddress!;
                options.RequireHttpsMetadata = !issuer.MetadataOverPlainHttp;
                options.TokenValidationParameters.ValidIssuer = issuer.Authority;
                options.TokenValidationParameters.NameClaimType = "sub";
                options.TokenValidationParameters.RoleClaimType = "roles";
                options.TokenValidationParameters.RequireExpirationTime = true;
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        // The hospital comes from an administrator's mapping of the directory, never from a claim the
                        // provider (or whoever configures it) could set: ADR 0105.
                        var claims = context.Principal!;
                        if (claims.FindFirst("tid") is null || claims.FindFirst(LocalAuth.TenantClaim) is not null)
                        {
                            context.Fail($"A token of {issuer.Authority} must carry tid and must not carry {LocalAuth.TenantClaim}.");
                        }

                        return Task.CompletedTask;
                    },
                };
            })
            .AddPolicyScheme(Selector, "Local or OpenID Connect bearer", options =>
                options.ForwardDefaultSelector = http => IsLocal(http) ? JwtBearerDefaults.AuthenticationScheme : OpenIdConnectIssuerOptions.Scheme);
    }

    /// <summary>A token whose (unverified) issuer is the local one goes to the local scheme; any other to the provider's.</summary>
    private static bool IsLocal(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var handler = new JsonWebTokenHandler();
        var token = header["Bearer ".Length..].Trim();
        return !handler.CanReadToken(token) || handler.ReadJsonWebToken(token).Issuer == LocalAuth.Issuer;
    }
}
