using VNCH.Network.Azure.Cosmos;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Tests.Emulators;

[Collection(EmulatorCollection.Name)]
public sealed class CosmosRecordStoreTests(EmulatorFixture emulators)
{
    private readonly IRecordStore store = emulators.Get<IRecordStore>();

    [Fact]
    public async Task Replaces_a_studys_resource_set_and_returns_it_in_bundle_order()
    {
        var tenant = TestStudies.NewTenant();
        FhirRecord R(string type, string id, string study = "s1") => new(type, id, study, $$"""{"resourceType":"{{type}}","id":"{{id}}"}""");

        await store.ReplaceForStudyAsync(tenant, "s1", [R("Observation", "o2"), R("Observation", "o1"), R("DiagnosticReport", "r1"), R("Patient", "p1")], CancellationToken.None);
        await store.ReplaceForStudyAsync(tenant, "s2", [R("Patient", "p1", "s2"), R("ImagingStudy", "i2", "s2")], CancellationToken.None);

        var s1 = await store.GetForStudyAsync(tenant, "s1", CancellationToken.None);
        Assert.Equal(["Patient/p1", "DiagnosticReport/r1", "Observation/o1", "Observation/o2"], s1.Select(r => $"{r.ResourceType}/{r.Id}"));
        Assert.Equal("""{"resourceType":"Observation","id":"o1"}""", s1[2].Json);
        Assert.All(s1, r => Assert.Equal("s1", r.StudyId));

        // Re-analysis produces fewer findings: the stale one goes, the shared Patient stays with both studies.
        await store.ReplaceForStudyAsync(tenant, "s1", [R("Patient", "p1"), R("DiagnosticReport", "r1"), R("Observation", "o1")], CancellationToken.None);
        Assert.Equal(["Patient/p1", "DiagnosticReport/r1", "Observation/o1"], (await store.GetForStudyAsync(tenant, "s1", CancellationToken.None)).Select(r => $"{r.ResourceType}/{r.Id}"));
        Assert.Equal(["Patient/p1", "ImagingStudy/i2"], (await store.GetForStudyAsync(tenant, "s2", CancellationToken.None)).Select(r => $"{r.ResourceType}/{r.Id}"));

        Assert.Empty(await store.GetForStudyAsync(TestStudies.NewTenant(), "s1", CancellationToken.None));
    }
}

[Collection(EmulatorCollection.Name)]
public sealed class CosmosAuditSinkTests(EmulatorFixture emulators)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 23, 59, 59, TimeSpan.Zero);
    private readonly IAuditSink audit = emulators.Get<IAuditSink>();

    [Fact]
    public async Task Keeps_every_field_oldest_first_per_tenant_across_days()
    {
        var tenant = TestStudies.NewTenant();
        var records = Enumerable.Range(0, 4)
            .Select(i => new AuditRecord(T0.AddSeconds(i), $"user-{i}", tenant, "study.read", "Study", $"study-{i}", AuditOutcomes.Success, $"corr-{i}", i == 0 ? null : "detail"))
            .ToList();
        foreach (var record in records)
        {
            await audit.WriteAsync(record, CancellationToken.None);
        }

        await audit.WriteAsync(records[0] with { Tenant = TestStudies.NewTenant() }, CancellationToken.None);
        await audit.WriteAsync(records[0] with { Tenant = null, Outcome = AuditOutcomes.Denied }, CancellationToken.None);

        Assert.Equal(records, await audit.ReadAsync(tenant, null, 100, CancellationToken.None));
        Assert.Equal(records[..2], await audit.ReadAsync(tenant, null, 2, CancellationToken.None));
        Assert.Equal(records[2..], await audit.ReadAsync(tenant, T0.AddSeconds(2), 100, CancellationToken.None));
    }

    [Fact]
    public async Task Records_written_in_the_same_instant_keep_their_write_order()
    {
        var tenant = TestStudies.NewTenant();
        var records = Enumerable.Range(0, 5).Select(i => new AuditRecord(T0, "system:analysis", tenant, $"step-{i}", "Study", "s", AuditOutcomes.Success, "c")).ToList();
        foreach (var record in records)
        {
            await audit.WriteAsync(record, CancellationToken.None);
        }

        Assert.Equal(records, await audit.ReadAsync(tenant, null, 10, CancellationToken.None));
    }
}

[Collection(EmulatorCollection.Name)]
public sealed class CosmosTenantDirectoryTests(EmulatorFixture emulators)
{
    private readonly ITenantDirectory directory = emulators.Get<ITenantDirectory>();

    private const string Directory = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public async Task Upserts_reads_lists_and_resolves_tenants()
    {
        var a = new Tenant { Id = TestStudies.NewTenant(), Name = "Children's Hospital 1", Mappings = [TenantMapping.EntraGroup(Directory, Guid.NewGuid().ToString())] };
        var b = new Tenant { Id = TestStudies.NewTenant(), Name = "Children's Hospital 2", Mappings = [TenantMapping.EntraAppRole(Directory, "Hospital.two")] };
        await directory.UpsertAsync(a, CancellationToken.None);
        await directory.UpsertAsync(b, CancellationToken.None);
        var renamed = a with { Name = "National Children's Hospital" };
        await directory.UpsertAsync(renamed, CancellationToken.None);

        var read = await directory.GetAsync(a.Id, CancellationToken.None);
        Assert.Equal(renamed.Name, read!.Name);
        Assert.Equal(renamed.Mappings, read.Mappings);
        Assert.Null(await directory.GetAsync(TestStudies.NewTenant(), CancellationToken.None));
        var listed = await directory.ListAsync(CancellationToken.None);
        Assert.Single(listed, t => t.Id == a.Id);
        Assert.Single(listed, t => t.Id == b.Id);

        var resolved = await directory.ResolveAsync(new PrincipalClaims(Directory, null, null) { Groups = [a.Mappings[0].Value.Split('/')[1]] }, CancellationToken.None);
        Assert.Equal(a.Id, resolved.Tenant!.Id);
        Assert.Equal(TenantResolutionStatus.NotMapped, (await directory.ResolveAsync(new PrincipalClaims(Directory, null, null), CancellationToken.None)).Status);
    }
}
