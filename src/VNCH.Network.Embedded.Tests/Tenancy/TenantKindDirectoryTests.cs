using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Tenancy;
using VNCH.Network.Embedded.Tests.Contracts;

namespace VNCH.Network.Embedded.Tests.Tenancy;

public sealed class TenantKindDirectoryTests : SqliteFixture
{
    [Fact]
    public async Task Kind_province_and_facility_code_survive_tenants_json()
    {
        var association = new Tenant { Id = TenantId.Parse("vpa"), Name = "Hội Nhi khoa Việt Nam", Kind = TenantKind.Association };
        var hospital = new Tenant { Id = TenantId.Parse("nhp"), Name = "Bệnh viện Nhi Trung ương", Province = "Hà Nội", FacilityCode = "01-920" };
        var directory = new JsonTenantDirectory(Folder);
        await directory.UpsertAsync(association, CancellationToken.None);
        await directory.UpsertAsync(hospital, CancellationToken.None);

        var reread = await new JsonTenantDirectory(Folder).ListAsync(CancellationToken.None);
        Assert.Equal(TenantKind.Association, reread.Single(t => t.Id == association.Id).Kind);
        var readHospital = reread.Single(t => t.Id == hospital.Id);
        Assert.Equal((TenantKind.Hospital, "Hà Nội", "01-920"), (readHospital.Kind, readHospital.Province, readHospital.FacilityCode));
        Assert.Contains("\"association\"", await File.ReadAllTextAsync(Folder.TenantsFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tenants_file_written_before_kinds_existed_reads_as_hospitals()
    {
        Directory.CreateDirectory(Folder.Root);
        await File.WriteAllTextAsync(Folder.TenantsFile, """{ "tenants": [ { "id": "old-hosp", "name": "Old", "mappings": [] } ] }""");

        var only = Assert.Single(await new JsonTenantDirectory(Folder).ListAsync(CancellationToken.None));
        Assert.Equal(TenantKind.Hospital, only.Kind);
        Assert.Null(only.Province);
    }
}
