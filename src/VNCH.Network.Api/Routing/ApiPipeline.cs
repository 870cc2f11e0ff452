using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using VNCH.Network.Api.Problems;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Routing;

/// <summary>
/// Authorisation shared by both hosts: the host authenticates (JWT bearer with the local key, or Entra ID through
/// Microsoft.Identity.Web) and this pipeline enforces the route's role and resolves the tenant from the claims.
/// </summary>
public static class ApiPipeline
{
    public const string CorrelationHeader = "X-Correlation-ID";

    public static async Task<IResult> ExecuteAsync(ApiRoute route, HttpContext http)
    {
        var correlationId = CorrelationId(http);
        http.Response.Headers[CorrelationHeader] = correlationId;
        if (route.IsAnonymous)
        {
            return await RunAsync(route, new ApiRequestContext(http, null), correlationId);
        }

        var user = http.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return ApiProblems.Unauthenticated("A valid bearer token for this API is required.");
        }

        var subject = Subject(user);
        var roles = RolesOf(user);
        if (!roles.Contains(route.RequiredRole!))
        {
            await AuditDeniedAsync(http, route, subject, null, $"missing role {route.RequiredRole}", correlationId);
            return ApiProblems.MissingRole(route.RequiredRole!);
        }

        var directory = http.RequestServices.GetRequiredService<ITenantDirectory>();
        var resolution = await directory.ResolveAsync(ClaimsOf(user), http.RequestAborted);
        if (resolution.Status != TenantResolutionStatus.Resolved)
        {
            await AuditDeniedAsync(http, route, subject, null, $"tenant {resolution.Status}", correlationId);
            return resolution.Status == TenantResolutionStatus.Ambiguous ? ApiProblems.TenantAmbiguous() : ApiProblems.TenantNotMapped();
        }

        var tenant = resolution.Tenant!;
        if (!tenant.MayUse(route.RequiredRole!))
        {
            await AuditDeniedAsync(http, route, subject, tenant.Id, $"not for a tenant of kind {TenantKinds.Name(tenant.Kind)}", correlationId);
            return ApiProblems.NotForTenantKind(tenant.Kind);
        }

        var caller = new Caller(tenant.Id, subject, roles, correlationId);
        return await RunAsync(route, new ApiRequestContext(http, caller), correlationId);
    }

    /// <summary>
    /// Runs the handler. An unexpected exception is answered 500 with a generic problem and the correlation id; its
    /// type and stack go to the server log only, never its message (issue 13 item 11).
    /// </summary>
    private static async Task<IResult> RunAsync(ApiRoute route, ApiRequestContext context, string correlationId)
    {
        try
        {
            return await route.Handler(context);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.Aborted.IsCancellationRequested)
        {
            var logger = context.Http.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(ApiPipeline).FullName!);
            logger?.LogError("Route {Route} failed ({CorrelationId}): {Exception}", route.Name, correlationId, Core.Features.Diagnostics.ExceptionSummary.Of(ex));
            return ApiProblems.Problem(StatusCodes.Status500InternalServerError, "internal-error", "Internal error",
                $"The request could not be completed. Quote correlation id {correlationId} when reporting it.");
        }
    }

    public static PrincipalClaims ClaimsOf(ClaimsPrincipal user) =>
        new(
            First(user, "tid", "http://schemas.microsoft.com/identity/claims/tenantid"),
            First(user, "azp", "appid"),
            First(user, "vnch_tenant"))
        {
            Groups = user.Claims.Where(c => c.Type == "groups" && !string.IsNullOrWhiteSpace(c.Value)).Select(c => c.Value).ToList(),
            Roles = RolesOf(user),
        };

    public static IReadOnlySet<string> RolesOf(ClaimsPrincipal user) =>
        user.Claims.Where(c => c.Type is "roles" or "role" or ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

    private static string Subject(ClaimsPrincipal user) =>
        First(user, "sub", ClaimTypes.NameIdentifier, "oid", "azp", "appid") ?? "unknown";

    private static string? First(ClaimsPrincipal user, params string[] types) =>
        types.Select(t => user.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));

    private static string CorrelationId(HttpContext http)
    {
        var supplied = http.Request.Headers[CorrelationHeader].ToString();
        return supplied.Length is > 0 and <= 128 && supplied.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? supplied
            : http.TraceIdentifier;
    }

    private static Task AuditDeniedAsync(HttpContext http, ApiRoute route, string subject, TenantId? tenant, string detail, string correlationId)
    {
        var audit = http.RequestServices.GetRequiredService<IAuditSink>();
        var time = http.RequestServices.GetRequiredService<TimeProvider>();
        return audit.WriteAsync(new AuditRecord(time.GetUtcNow(), subject, tenant, route.Name, "Endpoint", route.Pattern,
            AuditOutcomes.Denied, correlationId, detail), http.RequestAborted);
    }
}
