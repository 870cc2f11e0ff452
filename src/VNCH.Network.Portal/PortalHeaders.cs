using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace VNCH.Network.Portal;

/// <summary>
/// The security headers of every portal response, from <c>security-headers.json</c> (the one owner: the Azure build,
/// build.mjs, writes the same into staticwebapp.config.json). The CSP allows scripts and styles from the portal's own
/// origin only (no inline code: the portal has none), images also from blob: URLs (rendered images and ECG exports are
/// fetched with the bearer token and shown from memory), and calls to the same origin only, plus the sign-in
/// authority's origin when the portal signs in with OpenID Connect (<see cref="PortalSignInOptions"/>).
/// </summary>
public sealed class PortalHeaders
{
    private const string ResourceName = "security-headers.json";

    private static readonly Lazy<SecurityHeaders> Defined = new(Load);

    private readonly string contentSecurityPolicy;

    public PortalHeaders(IEnumerable<string>? extraConnectOrigins = null) =>
        contentSecurityPolicy = Policy(extraConnectOrigins ?? []);

    /// <summary>The policy of a portal that talks to its own origin only (the embedded host with development tokens).</summary>
    public static string ContentSecurityPolicy { get; } = Policy([]);

    public string Csp => contentSecurityPolicy;

    /// <summary>The CSP of security-headers.json with <paramref name="extraConnectOrigins"/> added to connect-src.</summary>
    public static string Policy(IEnumerable<string> extraConnectOrigins)
    {
        var directives = Defined.Value.ContentSecurityPolicy.ToDictionary(d => d.Key, d => d.Value.ToList());
        directives["connect-src"] = [.. directives["connect-src"].Concat(extraConnectOrigins).Distinct(StringComparer.Ordinal)];
        return string.Join("; ", directives.Select(d => $"{d.Key} {string.Join(' ', d.Value)}"));
    }

    public void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = contentSecurityPolicy;
        foreach (var (name, value) in Defined.Value.Headers)
        {
            headers[name] = value;
        }
    }

    private static SecurityHeaders Load()
    {
        using var stream = typeof(PortalHeaders).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not among the resources of the portal assembly.");
        return JsonSerializer.Deserialize<SecurityHeaders>(stream, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException($"{ResourceName} is empty.");
    }

    private sealed record SecurityHeaders(
        IReadOnlyDictionary<string, string[]> ContentSecurityPolicy,
        IReadOnlyDictionary<string, string> Headers);
}
