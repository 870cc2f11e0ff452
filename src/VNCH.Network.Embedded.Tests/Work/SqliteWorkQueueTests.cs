using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Embedded.Tests.Contracts;
using VNCH.Network.Embedded.Work;

namespace VNCH.Network.Embedded.Tests.Work;

public sealed class SqliteWorkQueueTests : SqliteFixture
{
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Messages_survive_a_restart_and_in_flight_ones_are_released_at_start_up()
    {
        var item = new AnalyseStudy(TenantId.Parse("hosp-a"), "s-1");
        var before = new SqliteWorkQueue(Database(), time);
        await before.EnqueueAsync(item, CancellationToken.None);
        Assert.NotNull(await before.ReceiveAsync(TimeSpan.FromMinutes(5), CancellationToken.None));

        // A new process on the same folder: the dead process's delivery must not wait out the 5 minutes.
        var after = new SqliteWorkQueue(Database(), time);
        Assert.Null(await after.ReceiveAsync(TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.Equal(1, await after.RecoverInFlightAsync(CancellationToken.None));
        var redelivered = await after.ReceiveAsync(TimeSpan.FromMinutes(5), CancellationToken.None);
        Assert.Equal(item, redelivered!.Item);
        Assert.Equal(2, redelivered.DequeueCount);
    }

    [Fact]
    public async Task Poisoned_messages_keep_their_reason_and_count()
    {
        var queue = new SqliteWorkQueue(Database(), time);
        await queue.EnqueueAsync(new AnalyseStudy(TenantId.Parse("hosp-a"), "s-1"), CancellationToken.None);
        var message = (await queue.ReceiveAsync(TimeSpan.FromSeconds(1), CancellationToken.None))!;
        await queue.PoisonAsync(message, "InvalidDataException: bad pixels", CancellationToken.None);

        var poisoned = Assert.Single(await queue.ListPoisonAsync(CancellationToken.None));
        Assert.Equal("s-1", poisoned.Item.StudyId);
        Assert.Equal(1, poisoned.DequeueCount);
        Assert.Equal("InvalidDataException: bad pixels", poisoned.Reason);
        Assert.Equal(0, await queue.CountPendingAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_enqueue_wakes_whoever_waits_for_the_next_arrival_and_the_item_is_there_to_receive()
    {
        var queue = new SqliteWorkQueue(Database(), time);
        var arrival = queue.NextArrival;
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.False(arrival.IsCompleted);

        await queue.EnqueueAsync(new AnalyseStudy(TenantId.Parse("hosp-a"), "s-1"), CancellationToken.None);

        Assert.True(arrival.IsCompletedSuccessfully);
        Assert.False(queue.NextArrival.IsCompleted); // the next wait waits for the next item
        Assert.Equal("s-1", (await queue.ReceiveAsync(TimeSpan.FromMinutes(1), CancellationToken.None))!.Item.StudyId);
    }
}
