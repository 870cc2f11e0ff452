using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Web;

namespace VNCH.Network.Functions.Auth;

public static class EntraAuthentication
{
    public const string Section = "AzureAd";

    /// <summary>
    /// JWT bearer validated by Microsoft.Identity.Web against Entra ID (section <c>AzureAd</c>: Instance, TenantId,
    /// ClientId, Audience). Signing keys come only from the Entra metadata document; this host has no other issuer.
    /// </summary>
    public static IServiceCollection AddVnchEntraAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        foreach (var required in new[] { "Instance", "TenantId", "ClientId" })
        {
            if (string.IsNullOrWhiteSpace(section[required]))
            {
                throw new InvalidOperationException($"{Section}:{required} is required: the Functions host accepts Entra ID tokens only.");
            }
        }

        if (!Uri.TryCreate(section["Instance"], UriKind.Absolute, out var instance) || instance.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException($"{Section}:Instance must be the https Entra ID authority host.");
        }

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddMicrosoftIdentityWebApi(
                // Claims keep their token names (roles, tid, azp), as ApiPipeline reads them in both hosts.
                jwt => jwt.MapInboundClaims = false,
                section.Bind,
                JwtBearerDefaults.AuthenticationScheme);
        return services;
    }
}

/// <summary>
/// The Functions worker runs no ASP.NET Core authentication middleware: this authenticates the bearer token of an
/// HTTP invocation and sets the user. Authorisation (roles, tenant) is the shared <c>ApiPipeline</c>'s job.
/// </summary>
public sealed class EntraAuthenticationMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        if (context.GetHttpContext() is { } http)
        {
            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            if (result.Succeeded)
            {
                http.User = result.Principal;
            }
        }

        await next(context);
    }
}
