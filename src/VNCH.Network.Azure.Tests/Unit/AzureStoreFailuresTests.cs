using System.Net;
using Azure;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Azure.Storage;

namespace VNCH.Network.Azure.Tests.Unit;

/// <summary>Only the Azure stores' own failures are "storage unavailable, retry" (503); a bug of ours is not.</summary>
public sealed class AzureStoreFailuresTests
{
    [Fact]
    public void Storage_and_cosmos_answers_and_network_failures_are_store_failures_and_a_programming_fault_is_not()
    {
        var failures = new AzureStoreFailures();

        Assert.True(failures.IsStoreFailure(new RequestFailedException(503, "ServerBusy")));
        Assert.True(failures.IsStoreFailure(new CosmosException("Request rate is large", HttpStatusCode.TooManyRequests, 0, "activity", 1)));
        Assert.True(failures.IsStoreFailure(new HttpRequestException("connection refused")));
        Assert.False(failures.IsStoreFailure(new NullReferenceException()));
        Assert.False(failures.IsStoreFailure(new InvalidOperationException("sequence contains no elements")));
    }
}
