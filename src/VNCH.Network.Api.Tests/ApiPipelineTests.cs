using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Routing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Tests;

/// <summary>The authorisation both hosts share, exercised without a server.</summary>
public sealed class ApiPipelineTests
{
    private static readonly Tenant HospitalA = new()
    {
        Id = TenantId.Parse("hosp-a"),
        Name = "A",
        Mappings = [TenantMapping.EntraGroup("tid-a", "group-a"), new(TenantMappingKind.HospitalClaim, "hosp-a")],
    };

    private static readonly Tenant HospitalB = new()
    {
        Id = TenantId.Parse("hosp-b"),
        Name = "B",
        Mappings = [TenantMapping.EntraAppRole("tid-shared", "Hospital.hosp-b")],
    };

    private readonly InMemoryAuditSink audit = new();
    private Caller? seen;

    private ApiRoute Route(string? role) => new("probe", "GET", "/api/probe", role, ctx =>
    {
        seen = role is null ? null : ctx.Caller;
        return Task.FromResult(Results.Ok());
    }, "probe");

    private async Task<int> InvokeAsync(ApiRoute route, params Claim[] claims)
    {
        var services = new ServiceCollection()
            .AddSingleton<ITenantDirectory>(new InMemoryTenantDirectory(HospitalA, HospitalB, HospitalB with { Id = TenantId.Parse("hosp-c"), Mappings = [TenantMapping.EntraAppRole("tid-shared", "Hospital.hosp-b")] }))
            .AddSingleton<IAuditSink>(audit)
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddProblemDetails()
            .BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        if (claims.Length > 0)
        {
            http.User = new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer"));
        }

        var result = await ApiPipeline.ExecuteAsync(route, http);
        await result.ExecuteAsync(http);
        return http.Response.StatusCode;
    }

    [Fact]
    public async Task Anonymous_routes_need_no_token()
    {
        Assert.Equal(200, await InvokeAsync(Route(null)));
    }

    [Fact]
    public async Task Unauthenticated_callers_get_401()
    {
        Assert.Equal(401, await InvokeAsync(Route(Roles.StudiesRead)));
    }

    [Fact]
    public async Task A_missing_role_is_403_and_audited_as_denied()
    {
        Assert.Equal(403, await InvokeAsync(Route(Roles.StudiesUpload), new Claim("sub", "u1"), new Claim("roles", Roles.StudiesRead), new Claim("tid", "tid-a")));
        Assert.Contains(audit.All, r => r.Outcome == AuditOutcomes.Denied && r.Actor == "u1");
    }

    [Fact]
    public async Task Entra_group_and_local_hospital_claims_each_resolve_one_tenant()
    {
        var route = Route(Roles.StudiesRead);
        Assert.Equal(200, await InvokeAsync(route, new Claim("sub", "u1"), new Claim("roles", Roles.StudiesRead), new Claim("tid", "tid-a"), new Claim("groups", "group-a")));
        Assert.Equal("hosp-a", seen!.Tenant.Value);
        Assert.Equal(200, await InvokeAsync(route, new Claim("azp", "app-b"), new Claim("roles", Roles.StudiesRead), new Claim("vnch_tenant", "hosp-a")));
        Assert.Equal("hosp-a", seen!.Tenant.Value);
        Assert.Equal("app-b", seen.Subject);
    }

    [Fact]
    public async Task No_mapping_or_two_mappings_are_refused()
    {
        var route = Route(Roles.StudiesRead);
        Assert.Equal(403, await InvokeAsync(route, new Claim("sub", "u1"), new Claim("roles", Roles.StudiesRead), new Claim("tid", "tid-unknown")));
        Assert.Equal(403, await InvokeAsync(route, new Claim("sub", "u1"), new Claim("roles", Roles.StudiesRead), new Claim("tid", "tid-shared"), new Claim("roles", "Hospital.hosp-b")));
    }
}
