using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Routing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Api.Tests.Tenancy;

/// <summary>
/// Issue 13 item 5 (ADR 0105): an Entra caller's hospital comes only from what an administrator of the hospital's
/// registered directory assigned (a hospital group or a <c>Hospital.&lt;code&gt;</c> app role), never from a claim the
/// caller, its client application or another directory chooses. Every claim combination, through the shared pipeline.
/// </summary>
public sealed class EntraHospitalMappingTests
{
    private const string Directory = "11111111-1111-1111-1111-111111111111"; // the network's single-tenant directory
    private const string OtherDirectory = "99999999-9999-9999-9999-999999999999";
    private const string GroupA = "aaaaaaaa-0000-0000-0000-00000000000a";
    private const string GroupB = "bbbbbbbb-0000-0000-0000-00000000000b";
    private const string SharedClientApp = "cccccccc-0000-0000-0000-00000000000c";

    private static readonly Tenant HospitalA = new()
    {
        Id = TenantId.Parse("hosp-a"),
        Name = "A",
        Mappings =
        [
            new(TenantMappingKind.HospitalClaim, "hosp-a"),
            TenantMapping.EntraGroup(Directory, GroupA),
            TenantMapping.EntraAppRole(Directory, "Hospital.hosp-a"),
            // Left over from the single-claim scheme: must no longer map anyone by itself.
            new(TenantMappingKind.EntraTenant, Directory),
            new(TenantMappingKind.ClientApplication, SharedClientApp),
        ],
    };

    private static readonly Tenant HospitalB = new()
    {
        Id = TenantId.Parse("hosp-b"),
        Name = "B",
        Mappings = [new(TenantMappingKind.HospitalClaim, "hosp-b"), TenantMapping.EntraGroup(Directory, GroupB), TenantMapping.EntraAppRole(Directory, "Hospital.hosp-b")],
    };

    private Caller? seen;

    public static TheoryData<string, string?, Claim[]> Combinations => new()
    {
        { "tid alone (every caller of the directory has it)", null, [Tid(Directory)] },
        { "tid and the azp of a client app hospitals share", null, [Tid(Directory), new("azp", SharedClientApp)] },
        { "tid and appid (v1 token) of the shared client app", null, [Tid(Directory), new("appid", SharedClientApp)] },
        { "a hospital claim inside an Entra token (any directory admin can emit it)", null, [Tid(Directory), new("vnch_tenant", "hosp-a")] },
        { "a hospital claim in a token of another directory", null, [Tid(OtherDirectory), new("vnch_tenant", "hosp-a")] },
        { "hospital A's group", "hosp-a", [Tid(Directory), new("groups", GroupA)] },
        { "hospital A's group and a forged hospital claim for B", "hosp-a", [Tid(Directory), new("groups", GroupA), new("vnch_tenant", "hosp-b")] },
        { "hospital A's group id, asserted by another directory", null, [Tid(OtherDirectory), new("groups", GroupA)] },
        { "hospital A's app role", "hosp-a", [Tid(Directory), Role("Hospital.hosp-a")] },
        { "hospital A's app role assigned in another directory", null, [Tid(OtherDirectory), Role("Hospital.hosp-a")] },
        { "hospital B's app role and the shared client app", "hosp-b", [Tid(Directory), new("azp", SharedClientApp), Role("Hospital.hosp-b")] },
        { "an app role without a directory", null, [Role("Hospital.hosp-a")] },
        { "groups of two hospitals", "ambiguous", [Tid(Directory), new("groups", GroupA), new("groups", GroupB)] },
        { "group of A and app role of B", "ambiguous", [Tid(Directory), new("groups", GroupA), Role("Hospital.hosp-b")] },
        { "group and app role of the same hospital", "hosp-a", [Tid(Directory), new("groups", GroupA), Role("Hospital.hosp-a")] },
        { "an unknown group", null, [Tid(Directory), new("groups", Guid.NewGuid().ToString())] },
        { "a local (embedded) token's hospital claim", "hosp-a", [new("iss", "vnch-embedded"), new("vnch_tenant", "hosp-a")] },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Only_an_administrator_assigned_group_or_app_role_of_the_registered_directory_maps_an_Entra_caller(
        string combination, string? expected, Claim[] claims)
    {
        var (status, problem) = await InvokeAsync([new Claim("sub", "u1"), Role(Roles.StudiesRead), .. claims]);

        switch (expected)
        {
            case null:
                Assert.True(status == 403 && problem.Contains("tenant-not-mapped", StringComparison.Ordinal), $"{combination}: {status} {problem}");
                break;
            case "ambiguous":
                Assert.True(status == 403 && problem.Contains("tenant-ambiguous", StringComparison.Ordinal), $"{combination}: {status} {problem}");
                break;
            default:
                Assert.True(status == 200, $"{combination}: {status} {problem}");
                Assert.Equal(expected, seen!.Tenant.Value);
                break;
        }
    }

    [Fact]
    public void Entra_mappings_name_their_directory()
    {
        Assert.Throws<ArgumentException>(() => TenantMapping.EntraGroup("", GroupA));
        Assert.Throws<ArgumentException>(() => TenantMapping.EntraAppRole(Directory, ""));
        Assert.Equal($"{Directory}/{GroupA}", TenantMapping.EntraGroup(Directory, GroupA).Value);
    }

    private static Claim Tid(string tid) => new("tid", tid);

    private static Claim Role(string role) => new("roles", role);

    private async Task<(int Status, string Body)> InvokeAsync(Claim[] claims)
    {
        var services = new ServiceCollection()
            .AddSingleton<ITenantDirectory>(new InMemoryTenantDirectory(HospitalA, HospitalB))
            .AddSingleton<IAuditSink>(new InMemoryAuditSink())
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddProblemDetails()
            .BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services, User = new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer")) };
        var body = new MemoryStream();
        http.Response.Body = body;
        seen = null;
        var route = new ApiRoute("probe", "GET", "/api/probe", Roles.StudiesRead, ctx =>
        {
            seen = ctx.Caller;
            return Task.FromResult(Results.Ok());
        }, "probe");
        var result = await ApiPipeline.ExecuteAsync(route, http);
        await result.ExecuteAsync(http);
        return (http.Response.StatusCode, System.Text.Encoding.UTF8.GetString(body.ToArray()));
    }
}
