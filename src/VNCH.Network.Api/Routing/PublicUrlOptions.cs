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

    /// <summary>The link to a root-relative path of this service.</summary>
    public string Link(string path) => PublicBaseUrl is null ? path : PublicBaseUrl.TrimEnd('/') + path;
}
