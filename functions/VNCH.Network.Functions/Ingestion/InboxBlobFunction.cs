using Microsoft.Azure.Functions.Worker;
using VNCH.Network.Core.Features.Ingestion;

namespace VNCH.Network.Functions.Ingestion;

/// <summary>
/// A file dropped in <c>inbox/{tenant}/...</c> goes through the same inbox rule as the embedded inbox folder
/// (<see cref="InboxHandler"/>): only a registered hospital's folder is ingested, anything else is audited. Storage
/// RBAC decides who may write where. Event Grid source: Flex Consumption has no container polling.
/// </summary>
public sealed class InboxBlobFunction(InboxHandler inbox)
{
    [Function("IngestInboxBlob")]
    public Task Run(
        [BlobTrigger("inbox/{tenant}/{name}", Source = BlobTriggerSource.EventGrid, Connection = "AzureWebJobsStorage")] Stream content,
        string tenant,
        string name,
        FunctionContext context) =>
        inbox.HandleAsync($"{tenant}/{name}", _ => Task.FromResult<Stream?>(content), $"inbox:{context.InvocationId}", context.CancellationToken);
}
