using Microsoft.AspNetCore.Http;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Routing;

/// <summary>What a handler gets: the HTTP context and, for authenticated routes, the resolved caller.</summary>
public sealed class ApiRequestContext(HttpContext http, Caller? caller)
{
    public HttpContext Http { get; } = http;

    /// <summary>The resolved caller; only null on anonymous routes.</summary>
    public Caller Caller => caller ?? throw new InvalidOperationException("Anonymous route has no caller.");

    public CancellationToken Aborted => Http.RequestAborted;

    public T Service<T>()
        where T : notnull => Http.RequestServices.GetRequiredService<T>();

    /// <summary>
    /// The link to a path on this service (Location, RetrieveURL): from the configured public base URL, never from
    /// the request's Host header (<see cref="PublicUrlOptions"/>).
    /// </summary>
    public string Url(string path) =>
        (Http.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<PublicUrlOptions>>()?.Value ?? new PublicUrlOptions()).Link(path);
}
