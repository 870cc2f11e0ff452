using VNCH.Network.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Inbox;
using VNCH.Network.Embedded.Tests.Contracts;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Inbox;

public sealed class InboxWatcherTests : InboxFixture
{
    private static readonly TenantId Tenant = TenantId.Parse("hosp-a");

    [Fact]
    public async Task Files_under_a_registered_tenant_are_ingested_once_and_moved_to_processed()
    {
        await using var services = InboxServices();
        await services.GetRequiredService<ITenantDirectory>().UpsertAsync(
            new Tenant { Id = Tenant, Name = "A", Mappings = [new(TenantMappingKind.HospitalClaim, "hosp-a")] }, CancellationToken.None);
        var source = TestData.File("dicom/dicomParser/testImages/CT1_UNC.explicit_little_endian.dcm");
        var inbox = Path.Combine(Folder.Inbox, "hosp-a", "batch-1");
        Directory.CreateDirectory(inbox);
        File.Copy(source, Path.Combine(inbox, "ct1"));
        File.WriteAllText(Path.Combine(inbox, "garbage.bin"), "not a study");
        File.WriteAllText(Path.Combine(inbox, "partial.part"), "still uploading");

        var watcher = services.GetRequiredService<InboxWatcher>();
        Assert.Equal(2, await watcher.ScanOnceAsync(CancellationToken.None));
        Assert.Equal(0, await watcher.ScanOnceAsync(CancellationToken.None));

        Assert.True(File.Exists(Path.Combine(Folder.Processed, "hosp-a", "batch-1", "ct1")));
        Assert.True(File.Exists(Path.Combine(inbox, "partial.part")));
        var page = await services.GetRequiredService<IStudyStore>().QueryAsync(Tenant, new StudyQuery(), CancellationToken.None);
        Assert.Equal(2, page.Items.Count);
        Assert.Single(page.Items, s => s.Status == StudyStatus.Queued && s.Modality == "CT");
        var rejected = Assert.Single(page.Items, s => s.Status == StudyStatus.Rejected);
        var store = services.GetRequiredService<IStudyStore>();
        Assert.Equal("inbox:hosp-a/batch-1/garbage.bin", Assert.Single(await store.ListInstancesAsync(Tenant, rejected.Id, CancellationToken.None)).Source);
    }

    [Fact]
    public async Task Json_audiograms_in_the_inbox_are_read_as_fhir_bundle_or_audiogram_document_by_their_content()
    {
        await using var services = InboxServices();
        await services.GetRequiredService<ITenantDirectory>().UpsertAsync(
            new Tenant { Id = Tenant, Name = "A", Mappings = [new(TenantMappingKind.HospitalClaim, "hosp-a")] }, CancellationToken.None);
        var inbox = Path.Combine(Folder.Inbox, "hosp-a");
        Directory.CreateDirectory(inbox);
        var docs = Path.Combine(TestData.RepositoryRoot, "docs");
        File.Copy(Path.Combine(docs, "audiogram.example.fhir.json"), Path.Combine(inbox, "visit-1.json"));
        // The JSON form of another visit (the same visit twice would be a conflict).
        File.WriteAllText(Path.Combine(inbox, "visit-2.json"), File.ReadAllText(Path.Combine(docs, "audiogram.example.json")).Replace("2026-11-20", "2026-11-21", StringComparison.Ordinal));

        Assert.Equal(2, await services.GetRequiredService<InboxWatcher>().ScanOnceAsync(CancellationToken.None));

        var page = await services.GetRequiredService<IStudyStore>().QueryAsync(Tenant, new StudyQuery(), CancellationToken.None);
        Assert.All(page.Items, s => Assert.Equal((StudyKind.Audiogram, StudyStatus.Queued), (s.Kind, s.Status)));
        Assert.Equal(
            new[] { "application/fhir+json", AudiogramDocumentParser.MediaType }.Order(),
            (await Task.WhenAll(page.Items.Select(async s =>
                Assert.Single(await services.GetRequiredService<IStudyStore>().ListInstancesAsync(Tenant, s.Id, CancellationToken.None)).ContentType))).Order());
    }

    [Fact]
    public async Task Files_outside_a_registered_tenant_are_set_aside_not_ingested()
    {
        var audit = new InMemoryAuditSink();
        await using var services = InboxServices(audit);
        var inbox = Path.Combine(Folder.Inbox, "unknown-hospital");
        Directory.CreateDirectory(inbox);
        File.WriteAllText(Path.Combine(inbox, "x.dcm"), "x");

        Assert.Equal(1, await services.GetRequiredService<InboxWatcher>().ScanOnceAsync(CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(Folder.Unattributed, "unknown-hospital", "x.dcm")));
        Assert.False(Directory.Exists(Path.Combine(Folder.Originals, "unknown-hospital")));
        // The same rule as the Azure blob trigger: the set-aside file is in the audit trail, under no tenant.
        var record = Assert.Single(audit.All);
        Assert.Equal((InboxHandler.Actor, AuditOutcomes.Rejected, (TenantId?)null), (record.Actor, record.Outcome, record.Tenant));
        Assert.Equal("unattributed: inbox:unknown-hospital/x.dcm", record.Detail);
    }

    [Fact]
    public async Task A_file_still_being_written_is_left_for_a_later_scan()
    {
        await using var provider = InboxServices(settleTime: TimeSpan.FromMinutes(5));
        await provider.GetRequiredService<ITenantDirectory>().UpsertAsync(
            new Tenant { Id = Tenant, Name = "A", Mappings = [new(TenantMappingKind.HospitalClaim, "hosp-a")] }, CancellationToken.None);
        Directory.CreateDirectory(Path.Combine(Folder.Inbox, "hosp-a"));
        File.WriteAllText(Path.Combine(Folder.Inbox, "hosp-a", "fresh.dcm"), "half a file");

        Assert.Equal(0, await provider.GetRequiredService<InboxWatcher>().ScanOnceAsync(CancellationToken.None));
        Assert.True(File.Exists(Path.Combine(Folder.Inbox, "hosp-a", "fresh.dcm")));
    }
}
