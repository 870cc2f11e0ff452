using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Tenancy;
using VNCH.Network.Embedded.Tests.Contracts;

namespace VNCH.Network.Embedded.Tests.Tenancy;

public sealed class JsonTenantDirectoryTests : SqliteFixture
{
    private static Tenant Hospital(string id, params TenantMapping[] mappings) =>
        new() { Id = TenantId.Parse(id), Name = $"Hospital {id}", Mappings = mappings };

    [Fact]
    public async Task Upsert_is_idempotent_and_survives_a_new_instance()
    {
        var directory = new JsonTenantDirectory(Folder);
        var tenant = Hospital("hosp-a", new TenantMapping(TenantMappingKind.HospitalClaim, "hosp-a"));
        await directory.UpsertAsync(tenant, CancellationToken.None);
        await directory.UpsertAsync(tenant with { Name = "Renamed" }, CancellationToken.None);

        var reread = await new JsonTenantDirectory(Folder).ListAsync(CancellationToken.None);
        var only = Assert.Single(reread);
        Assert.Equal("Renamed", only.Name);
        Assert.Equal(tenant.Mappings, only.Mappings);
    }

    [Fact]
    public async Task Resolution_needs_exactly_one_matching_tenant()
    {
        var directory = new JsonTenantDirectory(Folder);
        await directory.UpsertAsync(Hospital("hosp-a", TenantMapping.EntraGroup("tid-shared", "group-a"), new TenantMapping(TenantMappingKind.HospitalClaim, "hosp-a")), CancellationToken.None);
        await directory.UpsertAsync(Hospital("hosp-b", TenantMapping.EntraGroup("tid-shared", "group-b"), TenantMapping.EntraAppRole("tid-shared", "Hospital.hosp-b")), CancellationToken.None);

        var byClaim = await directory.ResolveAsync(new PrincipalClaims(null, null, "hosp-a"), CancellationToken.None);
        Assert.Equal(TenantResolutionStatus.Resolved, byClaim.Status);
        Assert.Equal("hosp-a", byClaim.Tenant!.Id.Value);
        Assert.Equal("hosp-b", (await directory.ResolveAsync(new PrincipalClaims("tid-shared", null, null) { Roles = ["Hospital.hosp-b"] }, CancellationToken.None)).Tenant!.Id.Value);
        Assert.Equal(TenantResolutionStatus.Ambiguous, (await directory.ResolveAsync(new PrincipalClaims("tid-shared", null, null) { Groups = ["group-a", "group-b"] }, CancellationToken.None)).Status);
        Assert.Equal(TenantResolutionStatus.NotMapped, (await directory.ResolveAsync(new PrincipalClaims("tid-shared", null, null), CancellationToken.None)).Status);
        Assert.Equal(TenantResolutionStatus.NotMapped, (await directory.ResolveAsync(new PrincipalClaims("other", "other", "hosp-c"), CancellationToken.None)).Status);
    }
}
