using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Contracts.Contracts;

/// <summary>
/// Storage-Queue semantics every <see cref="IWorkQueue"/> adapter must keep. Adapters on a fake clock advance it in
/// <see cref="AdvanceAsync"/>; adapters on real services wait.
/// </summary>
public abstract class WorkQueueContractTests
{
    protected static readonly TimeSpan Visibility = TimeSpan.FromSeconds(30);
    private static readonly AnalyseStudy Item = new(TenantId.Parse("contract-a"), "study-1");

    protected abstract IWorkQueue CreateQueue();

    protected abstract Task AdvanceAsync(TimeSpan by);

    [Fact]
    public async Task A_received_message_is_invisible_until_its_timeout_then_comes_back_with_a_higher_count()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item, CancellationToken.None);

        var first = await queue.ReceiveAsync(Visibility, CancellationToken.None);
        Assert.NotNull(first);
        Assert.Equal(1, first.DequeueCount);
        Assert.Equal(Item, first.Item);
        Assert.Null(await queue.ReceiveAsync(Visibility, CancellationToken.None));

        await AdvanceAsync(Visibility + TimeSpan.FromSeconds(1));
        var second = await queue.ReceiveAsync(Visibility, CancellationToken.None);
        Assert.NotNull(second);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(2, second.DequeueCount);
    }

    [Fact]
    public async Task A_completed_message_is_never_delivered_again()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item, CancellationToken.None);
        var message = (await queue.ReceiveAsync(Visibility, CancellationToken.None))!;
        await queue.CompleteAsync(message, CancellationToken.None);

        await AdvanceAsync(Visibility + TimeSpan.FromSeconds(1));
        Assert.Null(await queue.ReceiveAsync(Visibility, CancellationToken.None));
    }

    [Fact]
    public async Task A_stale_receipt_cannot_complete_the_redelivered_message()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item, CancellationToken.None);
        var stale = (await queue.ReceiveAsync(Visibility, CancellationToken.None))!;
        await AdvanceAsync(Visibility + TimeSpan.FromSeconds(1));
        var current = (await queue.ReceiveAsync(Visibility, CancellationToken.None))!;

        await queue.CompleteAsync(stale, CancellationToken.None);
        await AdvanceAsync(Visibility + TimeSpan.FromSeconds(1));
        var again = await queue.ReceiveAsync(Visibility, CancellationToken.None);
        Assert.NotNull(again);
        Assert.Equal(current.Id, again.Id);
        Assert.Equal(3, again.DequeueCount);
    }

    [Fact]
    public async Task A_released_message_returns_after_the_delay()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item, CancellationToken.None);
        var message = (await queue.ReceiveAsync(Visibility, CancellationToken.None))!;
        await queue.ReleaseAsync(message, TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Null(await queue.ReceiveAsync(Visibility, CancellationToken.None));
        await AdvanceAsync(TimeSpan.FromSeconds(6));
        Assert.Equal(2, (await queue.ReceiveAsync(Visibility, CancellationToken.None))!.DequeueCount);
    }

    [Fact]
    public async Task A_poisoned_message_is_never_delivered_again()
    {
        var queue = CreateQueue();
        await queue.EnqueueAsync(Item, CancellationToken.None);
        var message = (await queue.ReceiveAsync(Visibility, CancellationToken.None))!;
        await queue.PoisonAsync(message, "broken", CancellationToken.None);

        await AdvanceAsync(Visibility + TimeSpan.FromSeconds(1));
        Assert.Null(await queue.ReceiveAsync(Visibility, CancellationToken.None));
    }

    [Fact]
    public async Task Each_message_goes_to_one_receiver_at_a_time()
    {
        var queue = CreateQueue();
        for (var i = 0; i < 5; i++)
        {
            await queue.EnqueueAsync(Item with { StudyId = $"study-{i}" }, CancellationToken.None);
        }

        var received = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => queue.ReceiveAsync(Visibility, CancellationToken.None)));
        var ids = received.Where(m => m is not null).Select(m => m!.Item.StudyId).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Equal(5, ids.Distinct().Count());
    }
}
