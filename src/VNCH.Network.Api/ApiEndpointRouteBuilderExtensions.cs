using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VNCH.Network.Api.Routing;

namespace VNCH.Network.Api;

public static class ApiEndpointRouteBuilderExtensions
{
    /// <summary>Maps every route of <see cref="ApiRoutes.All"/> as a minimal API endpoint (embedded host).</summary>
    public static IEndpointRouteBuilder MapVnchApi(this IEndpointRouteBuilder endpoints)
    {
        foreach (var route in ApiRoutes.All)
        {
            var builder = endpoints.MapMethods(route.Pattern, [route.Method], (Delegate)((HttpContext http) => ApiPipeline.ExecuteAsync(route, http)))
                .WithName(route.Name)
                .WithSummary(route.Summary);
            builder = route.IsAnonymous ? builder.AllowAnonymous() : builder.WithTags("studies");
        }

        return endpoints;
    }
}
