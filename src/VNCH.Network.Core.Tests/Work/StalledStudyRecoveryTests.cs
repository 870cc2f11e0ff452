using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core.Tests.Work;

public sealed class StalledStudyRecoveryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 6, 0, 0, TimeSpan.Zero);
    private static readonly TenantId Tenant = TenantId.Parse("vnch-children-1");

    [Fact]
    public async Task Requeues_only_studies_queued_or_analysing_for_longer_than_the_timeout_in_every_tenant()
    {
        var time = new FakeTimeProvider(T0.AddHours(3));
        var other = TenantId.Parse("vnch-children-2");
        var studies = new InMemoryStudyStore();
        foreach (var study in new[]
                 {
                     StudyStoreContractTests.NewStudy(Tenant, "stuck-queued", StudyStatus.Queued, T0),
                     StudyStoreContractTests.NewStudy(Tenant, "stuck-analysing", StudyStatus.Analysing, T0.AddMinutes(30)),
                     StudyStoreContractTests.NewStudy(Tenant, "recent", StudyStatus.Queued, T0.AddHours(2.5)),
                     StudyStoreContractTests.NewStudy(Tenant, "done", StudyStatus.Completed, T0),
                     StudyStoreContractTests.NewStudy(other, "stuck-elsewhere", StudyStatus.Queued, T0),
                 })
        {
            await studies.SaveAsync(study, CancellationToken.None);
        }

        var queue = new InMemoryWorkQueue(time);
        var directory = new InMemoryTenantDirectory(new Tenant { Id = Tenant, Name = "1" }, new Tenant { Id = other, Name = "2" });
        var recovery = new StalledStudyRecovery(directory, studies, queue, time, NullLogger<StalledStudyRecovery>.Instance);

        var count = await recovery.RequeueInFlightAsync(TimeSpan.FromHours(2), CancellationToken.None);

        var requeued = new List<AnalyseStudy>();
        while (await queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None) is { } message)
        {
            requeued.Add(message.Item);
        }

        Assert.Equal(3, count);
        Assert.Equal(
            ["stuck-analysing", "stuck-elsewhere", "stuck-queued"],
            requeued.Select(i => i.StudyId).Order(StringComparer.Ordinal));
        Assert.Equal(other, requeued.Single(i => i.StudyId == "stuck-elsewhere").Tenant);
    }

    [Fact]
    public async Task A_study_stored_but_never_queued_is_queued_and_marked_queued_once_old_enough()
    {
        var time = new FakeTimeProvider(T0.AddMinutes(30));
        var studies = new InMemoryStudyStore();
        // A crash between the study write and the enqueue leaves it "received" with no work item anywhere.
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(Tenant, "lost", StudyStatus.Received, T0), CancellationToken.None);
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(Tenant, "just-arrived", StudyStatus.Received, T0.AddMinutes(29)), CancellationToken.None);
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(Tenant, "queued", StudyStatus.Queued, T0), CancellationToken.None);
        var queue = new InMemoryWorkQueue(time);
        var recovery = new StalledStudyRecovery(new InMemoryTenantDirectory(new Tenant { Id = Tenant, Name = "1" }), studies, queue, time,
            NullLogger<StalledStudyRecovery>.Instance);

        Assert.Equal(1, await recovery.RequeueStalledAsync(TimeSpan.FromMinutes(10), CancellationToken.None));

        var message = await queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.Equal("lost", message!.Item.StudyId);
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
        var lost = (await studies.GetAsync(Tenant, "lost", CancellationToken.None))!;
        Assert.Equal(StudyStatus.Queued, lost.Status);
        Assert.Equal(time.GetUtcNow(), lost.StatusTimes[StudyStatus.Queued]);
        Assert.Equal(StudyStatus.Received, (await studies.GetAsync(Tenant, "just-arrived", CancellationToken.None))!.Status);

        // A second pass finds nothing left to do.
        Assert.Equal(0, await recovery.RequeueStalledAsync(TimeSpan.FromMinutes(10), CancellationToken.None));
    }
}
