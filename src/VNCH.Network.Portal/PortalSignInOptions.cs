namespace VNCH.Network.Portal;

/// <summary>
/// How the portal served by the embedded host signs users in (section <c>Vnch:Portal:SignIn</c>): pasted development
/// tokens (<c>token</c>, the default), or OpenID Connect through MSAL.js (<c>msal</c>) against Entra ID or another
/// provider the server trusts (<c>Vnch:Auth:OpenIdConnect</c>). Written into the portal's config.json at start.
/// </summary>
public sealed class PortalSignInOptions
{
    public const string Section = "Vnch:Portal:SignIn";
    public const string TokenMode = "token";
    public const string MsalMode = "msal";

    public string Mode { get; set; } = TokenMode;

    /// <summary>The portal's client (application) id at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary>The provider's authority, https (e.g. https://login.microsoftonline.com/&lt;directory id&gt;).</summary>
    public string? Authority { get; set; }

    /// <summary>Scopes of the API's access token (Entra ID: api://&lt;API client id&gt;/.default).</summary>
    public string[] Scopes { get; set; } = [];

    /// <summary><c>AAD</c> for Entra ID, <c>OIDC</c> for any other OpenID Connect provider (MSAL's protocolMode).</summary>
    public string ProtocolMode { get; set; } = "AAD";

    public bool UsesMsal => string.Equals(Mode, MsalMode, StringComparison.Ordinal);

    /// <summary>The authority's origin (for the CSP's connect-src), or null in token mode.</summary>
    public string? AuthorityOrigin => UsesMsal ? new Uri(Authority!).GetLeftPart(UriPartial.Authority) : null;

    /// <summary>Refuses a configuration the portal could not sign in with, at start rather than at the first user.</summary>
    public void Validate()
    {
        if (Mode is not (TokenMode or MsalMode))
        {
            throw new InvalidOperationException($"{Section}:Mode must be '{TokenMode}' or '{MsalMode}', not '{Mode}'.");
        }

        if (!UsesMsal)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(ClientId) || Scopes.Length == 0 || Scopes.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidOperationException($"{Section}: msal sign-in needs ClientId and at least one scope.");
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{Section}:Authority must be an https URL (MSAL refuses any other).");
        }

        if (ProtocolMode is not ("AAD" or "OIDC"))
        {
            throw new InvalidOperationException($"{Section}:ProtocolMode must be AAD or OIDC, not '{ProtocolMode}'.");
        }
    }
}
