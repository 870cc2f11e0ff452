using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Contracts.Contracts;

public abstract class RecordStoreContractTests
{
    private static readonly TenantId TenantA = TenantId.Parse("contract-a");
    private static readonly TenantId TenantB = TenantId.Parse("contract-b");

    protected abstract IRecordStore CreateStore();

    private static FhirRecord Record(string type, string id, string study, string marker = "") =>
        new(type, id, study, $$"""{"resourceType":"{{type}}","id":"{{id}}"{{marker}}}""");

    [Fact]
    public async Task Replacing_a_study_set_updates_by_id_and_drops_what_is_no_longer_produced()
    {
        var store = CreateStore();
        await store.ReplaceForStudyAsync(TenantA, "s-1", [Record("Patient", "p", "s-1"), Record("Observation", "o1", "s-1"), Record("Observation", "o2", "s-1")], CancellationToken.None);
        await store.ReplaceForStudyAsync(TenantA, "s-1", [Record("Patient", "p", "s-1", ",\"active\":true"), Record("Observation", "o1", "s-1")], CancellationToken.None);

        var records = await store.GetForStudyAsync(TenantA, "s-1", CancellationToken.None);
        Assert.Equal(["Patient/p", "Observation/o1"], records.Select(r => $"{r.ResourceType}/{r.Id}"));
        Assert.Contains("active", records[0].Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shared_patient_stays_with_each_study_that_uses_it()
    {
        var store = CreateStore();
        await store.ReplaceForStudyAsync(TenantA, "s-1", [Record("Patient", "p", "s-1")], CancellationToken.None);
        await store.ReplaceForStudyAsync(TenantA, "s-2", [Record("Patient", "p", "s-2")], CancellationToken.None);

        Assert.Single(await store.GetForStudyAsync(TenantA, "s-1", CancellationToken.None));
        Assert.Single(await store.GetForStudyAsync(TenantA, "s-2", CancellationToken.None));
    }

    [Fact]
    public async Task Records_are_tenant_scoped()
    {
        var store = CreateStore();
        await store.ReplaceForStudyAsync(TenantA, "s-1", [Record("Patient", "p", "s-1")], CancellationToken.None);

        Assert.Empty(await store.GetForStudyAsync(TenantB, "s-1", CancellationToken.None));
    }
}
