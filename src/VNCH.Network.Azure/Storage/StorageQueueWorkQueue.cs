using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Azure.Storage;

/// <summary>
/// The analyse queue on Azure Storage Queues. The Functions queue trigger reads the same messages (base64 JSON, see
/// <see cref="WorkMessageCodec"/>); this class serves the pull-style port (tests, operators, housekeeping).
/// </summary>
public sealed class StorageQueueWorkQueue(QueueClient queue, QueueClient poisonQueue) : IWorkQueue
{
    /// <summary>Storage Queues drop messages after 7 days by default; a work item must never expire unseen.</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    public async Task EnqueueAsync(AnalyseStudy item, CancellationToken cancellationToken) =>
        await queue.SendMessageAsync(WorkMessageCodec.Encode(item), timeToLive: NeverExpires, cancellationToken: cancellationToken);

    public async Task<WorkMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            QueueMessage? message = (await queue.ReceiveMessageAsync(visibilityTimeout, cancellationToken)).Value;
            if (message is null)
            {
                return null;
            }

            if (WorkMessageCodec.TryDecode(message.MessageText, out var item, out _, out var error))
            {
                return new WorkMessage(message.MessageId, message.PopReceipt, (int)message.DequeueCount, item);
            }

            // A message nobody can act on goes straight to poison with the reason; it must not block the queue.
            await poisonQueue.SendMessageAsync(WorkMessageCodec.EncodeUnreadable(message.MessageText, error), timeToLive: NeverExpires, cancellationToken: cancellationToken);
            await IgnoreStaleAsync(queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken));
        }
    }

    public Task CompleteAsync(WorkMessage message, CancellationToken cancellationToken) =>
        IgnoreStaleAsync(queue.DeleteMessageAsync(message.Id, message.Receipt, cancellationToken));

    public Task ReleaseAsync(WorkMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        IgnoreStaleAsync(queue.UpdateMessageAsync(message.Id, message.Receipt, visibilityTimeout: delay, cancellationToken: cancellationToken));

    public async Task PoisonAsync(WorkMessage message, string reason, CancellationToken cancellationToken)
    {
        // Prove the receipt is still ours (and keep the message hidden) before copying it to poison.
        Response<UpdateReceipt> renewed;
        try
        {
            renewed = await queue.UpdateMessageAsync(message.Id, message.Receipt, visibilityTimeout: TimeSpan.FromMinutes(1), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (IsStale(ex))
        {
            return;
        }

        await poisonQueue.SendMessageAsync(WorkMessageCodec.Encode(message.Item, reason), timeToLive: NeverExpires, cancellationToken: cancellationToken);
        await IgnoreStaleAsync(queue.DeleteMessageAsync(message.Id, renewed.Value.PopReceipt, cancellationToken));
    }

    private static async Task IgnoreStaleAsync(Task operation)
    {
        try
        {
            await operation;
        }
        catch (RequestFailedException ex) when (IsStale(ex))
        {
            // The receipt expired (the message was redelivered to someone else) or the message is gone.
        }
    }

    private static bool IsStale(RequestFailedException ex) => ex.Status == 404 || (ex.Status == 400 && ex.ErrorCode == "PopReceiptMismatch");
}
