using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Routing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Tests.Reporting;

/// <summary>
/// The association is a tenant of kind association: through the real route table, every route that is not a report
/// or its own audit trail is refused before its handler runs, whatever roles the token carries.
/// </summary>
public sealed class TenantKindAccessTests
{
    private static readonly Tenant Association = new()
    {
        Id = TenantId.Parse("vpa"),
        Name = "Hội Nhi khoa Việt Nam",
        Kind = TenantKind.Association,
        Mappings = [new(TenantMappingKind.HospitalClaim, "vpa")],
    };

    private static readonly Tenant Hospital = new()
    {
        Id = TenantId.Parse("hosp-a"),
        Name = "A",
        Province = "Hà Nội",
        FacilityCode = "01-001",
        Mappings = [new(TenantMappingKind.HospitalClaim, "hosp-a")],
    };

    private readonly InMemoryAuditSink audit = new();

    private static IEnumerable<ApiRoute> Forbidden =>
        ApiRoutes.All.Where(r => r.RequiredRole is not null and not Roles.ReportsRead and not Roles.TenantsAdmin);

    public static TheoryData<string> ForbiddenToTheAssociation() => new(Forbidden.Select(r => r.Name));

    [Fact]
    public void Every_study_route_is_in_the_forbidden_set()
    {
        var forbidden = Forbidden.Select(r => r.Name).ToHashSet();
        Assert.All(ApiRoutes.All.Where(r => r.Pattern.StartsWith("/api/v1/studies", StringComparison.Ordinal)), r => Assert.Contains(r.Name, forbidden));
        Assert.NotEmpty(forbidden);
    }

    [Theory]
    [MemberData(nameof(ForbiddenToTheAssociation))]
    public async Task The_association_is_refused_on_every_study_route_even_with_every_role(string routeName)
    {
        var (status, type) = await InvokeAsync(ApiRoutes.Get(routeName), "vpa", Roles.All.ToArray());

        Assert.Equal(403, status);
        Assert.Equal("https://vnch.network/problems/not-for-tenant-kind", type);
        Assert.Contains(audit.All, r => r.Outcome == AuditOutcomes.Denied && r.Tenant == Association.Id && r.Action == routeName);
    }

    [Fact]
    public async Task The_association_reads_its_own_audit_trail_with_tenants_admin()
    {
        var (status, _) = await InvokeAsync(ApiRoutes.Get("audit-list"), "vpa", Roles.TenantsAdmin);
        Assert.Equal(200, status);
    }

    [Fact]
    public void Only_reports_and_the_audit_trail_are_open_to_an_association()
    {
        Assert.True(Association.MayUse(Roles.ReportsRead));
        Assert.True(Association.MayUse(Roles.TenantsAdmin));
        Assert.False(Association.MayUse(Roles.StudiesRead));
        Assert.False(Association.MayUse(Roles.StudiesUpload));
        Assert.All(Roles.All, role => Assert.True(Hospital.MayUse(role)));
    }

    [Theory]
    [InlineData("hospital", TenantKind.Hospital)]
    [InlineData("Association", TenantKind.Association)]
    public void Kinds_parse_by_name(string text, TenantKind expected)
    {
        Assert.True(TenantKinds.TryParse(text, out var kind));
        Assert.Equal(expected, kind);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("clinic")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_kinds_are_refused(string? text) => Assert.False(TenantKinds.TryParse(text, out _));

    private async Task<(int Status, string? Type)> InvokeAsync(ApiRoute route, string tenantClaim, params string[] roles)
    {
        var services = new ServiceCollection()
            .AddSingleton<ITenantDirectory>(new InMemoryTenantDirectory(Association, Hospital))
            .AddSingleton<IAuditSink>(audit)
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddProblemDetails()
            .BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = route.Method;
        http.Request.Path = route.Pattern.Replace("{id}", "any", StringComparison.Ordinal);
        http.Response.Body = new MemoryStream();
        http.User = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "analyst"), new Claim("vnch_tenant", tenantClaim), .. roles.Select(r => new Claim("roles", r))], "Bearer"));

        var result = await ApiPipeline.ExecuteAsync(route, http);
        await result.ExecuteAsync(http);
        string? type = null;
        if (http.Response.StatusCode >= 400)
        {
            http.Response.Body.Position = 0;
            type = JsonSerializer.Deserialize<JsonElement>(http.Response.Body).GetProperty("type").GetString();
        }

        return (http.Response.StatusCode, type);
    }
}
