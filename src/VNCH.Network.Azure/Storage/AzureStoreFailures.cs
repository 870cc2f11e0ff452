using Azure;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.Ingestion;

namespace VNCH.Network.Azure.Storage;

/// <summary>The Azure stores' own failures: Storage (blobs, queues) and Cosmos DB answers, and the network under them.</summary>
public sealed class AzureStoreFailures : IStoreFailureClassifier
{
    public bool IsStoreFailure(Exception exception) => exception is RequestFailedException or CosmosException or HttpRequestException;
}
