namespace VNCH.Network.Api.Routing;

/// <summary>
/// One HTTP endpoint, defined once and served by both hosts (embedded minimal APIs, Azure Functions HTTP triggers).
/// </summary>
/// <param name="Name">Endpoint / function name (e.g. <c>studies-get</c>).</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Pattern">Route pattern including the <c>/api</c> prefix (Functions: strip the prefix).</param>
/// <param name="RequiredRole">Role claim required; null for anonymous endpoints.</param>
/// <param name="Handler">The endpoint logic; hosts call it through <see cref="ApiPipeline.ExecuteAsync"/>.</param>
public sealed record ApiRoute(
    string Name,
    string Method,
    string Pattern,
    string? RequiredRole,
    Func<ApiRequestContext, Task<Microsoft.AspNetCore.Http.IResult>> Handler,
    string Summary)
{
    public bool IsAnonymous => RequiredRole is null;
}
