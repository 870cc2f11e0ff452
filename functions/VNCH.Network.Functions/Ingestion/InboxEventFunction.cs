using System.Text.Json;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using VNCH.Network.Azure;
using VNCH.Network.Core.Features.Ingestion;

namespace VNCH.Network.Functions.Ingestion;

/// <summary>
/// A file dropped in <c>inbox/{tenant}/...</c> goes through the same inbox rule as the embedded inbox folder
/// (<see cref="InboxHandler"/>): only a registered hospital's folder is ingested, anything else is audited. Event Grid
/// delivers the BlobCreated event into the <see cref="Queue"/> storage queue with the system topic's own managed
/// identity (ADR 0107): no function key in any URL, and the queue's retries and poison queue apply. Storage RBAC with
/// a path condition decides who may write where (ADR 0105).
/// </summary>
public sealed class InboxEventFunction(InboxHandler inbox, IInboxBlobs blobs, ILogger<InboxEventFunction> logger)
{
    public const string Queue = "inbox-events";

    [Function("IngestInboxEvent")]
    public async Task Run([QueueTrigger(Queue, Connection = "AzureWebJobsStorage")] string message, FunctionContext context)
    {
        if (InboxEvents.BlobPath(message) is not { } path)
        {
            logger.LogWarning("An inbox event that is not a BlobCreated of the inbox container was ignored ({InvocationId})", context.InvocationId);
            return;
        }

        await inbox.HandleAsync(path, ct => blobs.OpenAsync(path, ct), $"inbox:{context.InvocationId}", context.CancellationToken);
    }
}

/// <summary>Reads inbox blobs (the trigger's port, so it is testable without storage).</summary>
public interface IInboxBlobs
{
    /// <summary>The blob's content, or null when it no longer exists (expired or deleted before the event was handled).</summary>
    Task<Stream?> OpenAsync(string path, CancellationToken cancellationToken);
}

public sealed class BlobInboxBlobs(AzureClients clients) : IInboxBlobs
{
    public async Task<Stream?> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var blob = clients.BlobService.GetBlobContainerClient(InboxEvents.Container).GetBlobClient(path);
        try
        {
            return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}

/// <summary>The Event Grid (EventGridSchema) BlobCreated event of the inbox container, as Bicep subscribes it.</summary>
public static class InboxEvents
{
    public const string Container = "inbox";
    public const string BlobCreated = "Microsoft.Storage.BlobCreated";
    public const string SubjectPrefix = "/blobServices/default/containers/" + Container + "/blobs/";

    /// <summary>The blob's path inside the inbox container (<c>{tenant}/{name}</c>), or null for any other event.</summary>
    public static string? BlobPath(string message)
    {
        try
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("eventType", out var type) || type.GetString() != BlobCreated
                || !root.TryGetProperty("subject", out var subject) || subject.GetString() is not { } text
                || !text.StartsWith(SubjectPrefix, StringComparison.Ordinal) || text.Length == SubjectPrefix.Length)
            {
                return null;
            }

            return text[SubjectPrefix.Length..];
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
