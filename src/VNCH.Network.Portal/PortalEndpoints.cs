using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace VNCH.Network.Portal;

/// <summary>Maps the portal's static files under <see cref="PortalFiles.BasePath"/> (embedded host).</summary>
public static class PortalEndpoints
{
    public static IEndpointRouteBuilder MapVnchPortal(this IEndpointRouteBuilder endpoints)
    {
        var files = PortalFiles.Load();
        endpoints.MapMethods(PortalFiles.BasePath + "/{**path}", [HttpMethods.Get, HttpMethods.Head], (HttpContext http, string? path) => Serve(files, http, path))
            .AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static IResult Serve(PortalFiles files, HttpContext http, string? path)
    {
        PortalHeaders.Apply(http.Response);
        if (string.IsNullOrEmpty(path) && !http.Request.Path.Value!.EndsWith('/'))
        {
            // "/portal" and "/portal/" match alike; relative links in index.html need the slash.
            return Results.Redirect(PortalFiles.BasePath + "/", permanent: false);
        }

        if (!files.TryGet(string.IsNullOrEmpty(path) ? PortalFiles.IndexFile : path, out var file))
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
