using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VNCH.Network.Portal;

/// <summary>Maps the portal's static files under <see cref="PortalFiles.BasePath"/> (embedded host).</summary>
public static class PortalEndpoints
{
    private const string ConfigFile = "config.json";

    /// <summary>
    /// Serves the portal. With <paramref name="signIn"/> in msal mode, config.json says how to sign in with OpenID
    /// Connect (instead of the compiled-in one for development tokens) and the CSP lets the page reach the authority.
    /// </summary>
    public static IEndpointRouteBuilder MapVnchPortal(this IEndpointRouteBuilder endpoints, PortalSignInOptions? signIn = null)
    {
        var files = PortalFiles.Load();
        var headers = new PortalHeaders(signIn?.AuthorityOrigin is { } origin ? [origin] : null);
        var config = signIn?.UsesMsal == true ? MsalConfig(signIn) : null;
        endpoints.MapMethods(PortalFiles.BasePath + "/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string? path) => Serve(files, config, headers, http, path))
            .AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static PortalFile MsalConfig(PortalSignInOptions signIn)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(new
        {
            apiBase = "",
            auth = new { mode = PortalSignInOptions.MsalMode, clientId = signIn.ClientId, authority = signIn.Authority, scopes = signIn.Scopes, protocolMode = signIn.ProtocolMode },
        });
        return new PortalFile(ConfigFile, content, "application/json; charset=utf-8", $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"");
    }

    private static IResult Serve(PortalFiles files, PortalFile? config, PortalHeaders headers, HttpContext http, string? path)
    {
        headers.Apply(http.Response);
        if (string.IsNullOrEmpty(path) && !http.Request.Path.Value!.EndsWith('/'))
        {
            // "/portal" and "/portal/" match alike; relative links in index.html need the slash.
            return Results.Redirect(PortalFiles.BasePath + "/", permanent: false);
        }

        PortalFile? file = path == ConfigFile && config is not null ? config : null;
        if (file is null && !files.TryGet(string.IsNullOrEmpty(path) ? PortalFiles.IndexFile : path, out file))
        {
            return Results.NotFound();
        }

        http.Response.Headers.ETag = file.ETag;
        // Revalidated on every load: a new server version is seen at once, an unchanged file costs a 304.
        http.Response.Headers.CacheControl = "no-cache";
        return http.Request.Headers.IfNoneMatch.ToString() == file.ETag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(file.Content, file.ContentType);
    }
}
