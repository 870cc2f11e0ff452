using System.Text.Json.Nodes;
using VNCH.Network.Azure.Storage;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Azure.Tests.Emulators;

/// <summary>One queue per run is shared by these tests, so they run one after another (one collection) and drain what they add.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class StorageQueueWorkQueueTests(EmulatorFixture emulators)
{
    private static readonly TimeSpan Hidden = TimeSpan.FromSeconds(30);
    private readonly IWorkQueue queue = emulators.Get<IWorkQueue>();

    [Fact]
    public async Task A_received_message_is_hidden_until_completed_or_released()
    {
        var item = new AnalyseStudy(TestStudies.NewTenant(), Guid.NewGuid().ToString());
        await queue.EnqueueAsync(item, CancellationToken.None);

        var first = await queue.ReceiveAsync(Hidden, CancellationToken.None);
        Assert.NotNull(first);
        Assert.Equal(item, first.Item);
        Assert.Equal(1, first.DequeueCount);
        Assert.Null(await queue.ReceiveAsync(Hidden, CancellationToken.None));

        await queue.ReleaseAsync(first, TimeSpan.Zero, CancellationToken.None);
        var second = await queue.ReceiveAsync(Hidden, CancellationToken.None);
        Assert.NotNull(second);
        Assert.Equal(item, second.Item);
        Assert.Equal(2, second.DequeueCount);

        await queue.CompleteAsync(second, CancellationToken.None);
        await queue.ReleaseAsync(second, TimeSpan.Zero, CancellationToken.None); // stale receipt: ignored
        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task A_stale_receipt_does_not_complete_the_new_delivery()
    {
        var item = new AnalyseStudy(TestStudies.NewTenant(), Guid.NewGuid().ToString());
        await queue.EnqueueAsync(item, CancellationToken.None);
        var first = (await queue.ReceiveAsync(Hidden, CancellationToken.None))!;
        await queue.ReleaseAsync(first, TimeSpan.Zero, CancellationToken.None);
        var second = (await queue.ReceiveAsync(TimeSpan.FromSeconds(1), CancellationToken.None))!;

        await queue.CompleteAsync(first, CancellationToken.None);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var third = await queue.ReceiveAsync(Hidden, CancellationToken.None);
        Assert.NotNull(third);
        Assert.Equal(item, third.Item);
        Assert.Equal(3, third.DequeueCount);
        await queue.CompleteAsync(third, CancellationToken.None);
        Assert.Equal(item, second.Item);
    }

    [Fact]
    public async Task Poisoned_messages_keep_the_item_and_reason_and_are_not_delivered_again()
    {
        var item = new AnalyseStudy(TestStudies.NewTenant(), Guid.NewGuid().ToString());
        await queue.EnqueueAsync(item, CancellationToken.None);
        var message = (await queue.ReceiveAsync(Hidden, CancellationToken.None))!;

        await queue.PoisonAsync(message, "analyser crashed", CancellationToken.None);

        Assert.Null(await queue.ReceiveAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
        var poison = await DrainPoisonAsync();
        var entry = Assert.Single(poison, p => WorkMessageCodec.TryDecode(p, out var i, out _, out _) && i == item);
        Assert.True(WorkMessageCodec.TryDecode(entry, out _, out var reason, out _));
        Assert.Equal("analyser crashed", reason);
    }

    [Fact]
    public async Task An_unreadable_message_goes_to_poison_instead_of_blocking_the_queue()
    {
        await emulators.Clients.AnalyseQueue.SendMessageAsync("{not json");
        var item = new AnalyseStudy(TestStudies.NewTenant(), Guid.NewGuid().ToString());
        await queue.EnqueueAsync(item, CancellationToken.None);

        var received = await queue.ReceiveAsync(Hidden, CancellationToken.None);

        Assert.NotNull(received);
        Assert.Equal(item, received.Item);
        await queue.CompleteAsync(received, CancellationToken.None);
        var poison = await DrainPoisonAsync();
        var unreadable = Assert.Single(poison, p => p.Contains("{not json", StringComparison.Ordinal));
        Assert.Contains("invalid JSON", (string)JsonNode.Parse(unreadable)!["reason"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void The_message_format_is_the_one_the_functions_queue_trigger_decodes()
    {
        var item = new AnalyseStudy(TestStudies.NewTenant(), "study-1");
        var text = WorkMessageCodec.Encode(item);

        Assert.Equal($$"""{"tenant":"{{item.Tenant}}","studyId":"study-1","reason":null}""", text);
        Assert.True(WorkMessageCodec.TryDecode(text, out var decoded, out var reason, out _));
        Assert.Equal(item, decoded);
        Assert.Null(reason);
        Assert.False(WorkMessageCodec.TryDecode("""{"tenant":"NOT A TENANT","studyId":"x"}""", out _, out _, out var error));
        Assert.Contains("tenant", error, StringComparison.Ordinal);
        Assert.False(WorkMessageCodec.TryDecode("""{"tenant":"vnch-a"}""", out _, out _, out error));
        Assert.Contains("study id", error, StringComparison.Ordinal);
    }

    private async Task<List<string>> DrainPoisonAsync()
    {
        var texts = new List<string>();
        var poison = emulators.Clients.AnalysePoisonQueue;
        while ((await poison.ReceiveMessageAsync(TimeSpan.FromSeconds(30))).Value is { } message)
        {
            texts.Add(message.MessageText);
            await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return texts;
    }
}
