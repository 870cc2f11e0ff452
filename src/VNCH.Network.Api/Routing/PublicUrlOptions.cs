namespace VNCH.Network.Api.Routing;

/// <summary>
/// Where callers reach this service (issue 13 item 12, ADR 0102). Links in responses (Location, RetrieveURL,
/// bulk data, Content-Location) are built from this configured base, never from the request's Host header, which
/// the caller chooses. Unset: links are root-relative paths. Validated at start.
/// </summary>
public sealed class PublicUrlOptions
{
    public const string Section = "Vnch:Api";

    /// <summary>Absolute http(s) URL with no query or fragment, e.g. https://api.vnch.network (a path prefix is kept).</summary>
    public string? PublicBaseUrl { get; set; }

    public bool IsValid =>
        PublicBaseUrl is null
        || (Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri)
            && uri.Scheme is "https" or "http"
            && string.IsNullOrEmpty(uri.Query)
            && string.IsNullOrEmpty(uri.Fragment)
            && string.IsNullOrEmpty(uri.UserInfo));

    /// <summary>
    /// The embedded host's default when no base is configured: the one address the operator bound it to with
    /// <c>--urls</c> (operator configuration, like this option), if that names a concrete host and port; else null.
    /// </summary>
    public static string? FromBinding(string? urls)
    {
        var bound = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        return bound.Length == 1
            && Uri.TryCreate(bound[0], UriKind.Absolute, out var uri)
            && uri.Scheme is "https" or "http"
            && uri.Host is not ("*" or "+" or "0.0.0.0" or "[::]")
            && uri.Port != 0
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
    }

    /// <summary>The link to a root-relative path of this service.</summary>
    public string Link(string path) => PublicBaseUrl is null ? path : PublicBaseUrl.TrimEnd('/') + path;
}
