using Microsoft.AspNetCore.Http;

namespace VNCH.Network.Portal;

/// <summary>
/// The security headers of every portal response. The CSP allows scripts and styles from the portal's own origin
/// only (no inline code: the portal has none), images also from blob: URLs (rendered images and ECG exports are
/// fetched with the bearer token and shown from memory), and calls to the same origin only.
/// </summary>
public static class PortalHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
    }
}
