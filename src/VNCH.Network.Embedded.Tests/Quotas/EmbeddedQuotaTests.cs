using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Quotas;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Embedded.Tests.Contracts;

namespace VNCH.Network.Embedded.Tests.Quotas;

/// <summary>
/// Issue 13 item 7 on the embedded stores (SQLite + files), wired as the embedded host wires them: per-hospital
/// quotas measured from the originals on disk, and bounded retention of rejected documents' originals (ADR 0108).
/// </summary>
public sealed class EmbeddedQuotaTests : SqliteFixture
{
    private static readonly TenantId TenantA = TenantId.Parse("hosp-a");
    private static readonly TenantId TenantB = TenantId.Parse("hosp-b");

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_hospital_past_its_quota_is_refused_with_nothing_stored_also_after_a_restart_while_an_override_lets_another_hospital_store_more()
    {
        var settings = new Dictionary<string, string?> { ["Vnch:Quotas:MaxDocuments"] = "2", ["Vnch:Quotas:Tenants:hosp-b:MaxDocuments"] = "4" };
        IngestOutcome third;
        await using (var services = Services(settings))
        {
            var ingestion = services.GetRequiredService<IngestionHandler>();
            await IngestAsync(ingestion, TenantA, 1000);
            await IngestAsync(ingestion, TenantA, 1000);
            third = await IngestAsync(ingestion, TenantA, 1000);
            for (var i = 0; i < 4; i++)
            {
                Assert.NotEqual(IngestReasons.StorageQuotaExceeded, (await IngestAsync(ingestion, TenantB, 1000)).ReasonCode);
            }
        }

        Assert.Equal(IngestReasons.StorageQuotaExceeded, third.ReasonCode);
        Assert.Equal(2, OriginalFiles(TenantA).Count);
        Assert.Equal(4, OriginalFiles(TenantB).Count);

        // A new process measures the originals on disk: the hospital is still at its quota.
        await using var restarted = Services(settings);
        Assert.Equal(new StorageUsage(2, 2000), await restarted.GetRequiredService<IStorageUsage>().MeasureAsync(TenantA, CancellationToken.None));
        Assert.Equal(IngestReasons.StorageQuotaExceeded, (await IngestAsync(restarted.GetRequiredService<IngestionHandler>(), TenantA, 1000)).ReasonCode);
        Assert.Equal(2, OriginalFiles(TenantA).Count);
        var audit = await restarted.GetRequiredService<IAuditSink>().ReadAsync(TenantA, null, 100, CancellationToken.None);
        Assert.Equal(2, audit.Count(r => r.Outcome == AuditOutcomes.Rejected && r.Detail == "http: storage-quota-exceeded"));
    }

    [Theory]
    [InlineData("MaxRejectedDocuments", "2")]
    [InlineData("MaxRejectedBytes", "2500")]
    [InlineData("MaxRejectedAge", "00:01:30")]
    public async Task Rejected_documents_originals_beyond_the_bound_are_evicted_oldest_first_each_audited_and_their_studies_keep_the_reason(string bound, string value)
    {
        await using var services = Services(new Dictionary<string, string?> { [$"Vnch:Quotas:{bound}"] = value });
        var ingestion = services.GetRequiredService<IngestionHandler>();

        var rejected = new List<IngestOutcome>();
        for (var i = 0; i < 3; i++)
        {
            rejected.Add(await IngestAsync(ingestion, TenantA, 1000));
            time.Advance(TimeSpan.FromMinutes(1));
        }

        var other = await IngestAsync(ingestion, TenantB, 1000); // another hospital's bound is its own

        var files = services.GetRequiredService<FileOriginalStore>();
        Assert.All(rejected, r => Assert.Equal(IngestStatus.Failed, r.Status));
        Assert.False(File.Exists(files.PathOf(TenantA, rejected[0].Sha256!)), "the oldest rejected original is evicted");
        Assert.True(File.Exists(files.PathOf(TenantA, rejected[1].Sha256!)));
        Assert.True(File.Exists(files.PathOf(TenantA, rejected[2].Sha256!)));
        Assert.True(File.Exists(files.PathOf(TenantB, other.Sha256!)));

        var audit = await services.GetRequiredService<IAuditSink>().ReadAsync(TenantA, null, 100, CancellationToken.None);
        var eviction = Assert.Single(audit, r => r.Action == RejectedRetention.EvictAction);
        Assert.Equal((RejectedRetention.Actor, rejected[0].StudyId, AuditOutcomes.Success), (eviction.Actor, eviction.ResourceId, eviction.Outcome));
        Assert.Contains(rejected[0].Sha256!, eviction.Detail, StringComparison.Ordinal);

        var study = await services.GetRequiredService<IStudyStore>().GetAsync(TenantA, rejected[0].StudyId!, CancellationToken.None);
        Assert.Equal(StudyStatus.Rejected, study?.Status);
        Assert.Equal(rejected[0].ReasonCode, study?.Reason?.Code);
    }

    private ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddVnchEmbeddedStorage(o => o.DataPath = Folder.Root).AddVnchCore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(sp => new FileOriginalStore(sp.GetRequiredService<DataFolder>()));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    private List<string> OriginalFiles(TenantId tenant) =>
        Directory.EnumerateFiles(Path.Combine(Folder.Originals, tenant.Value), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains(FileOriginalStore.StagingFolderName, StringComparison.Ordinal)).ToList();

    /// <summary>A document no parser claims: rejected (unsupported media type), its original kept.</summary>
    private static Task<IngestOutcome> IngestAsync(IngestionHandler ingestion, TenantId tenant, int length) =>
        ingestion.IngestAsync(new IngestRequest(tenant, new MemoryStream(RandomNumberGenerator.GetBytes(length)), null, "http", "tester", "corr-quota"), CancellationToken.None);
}
