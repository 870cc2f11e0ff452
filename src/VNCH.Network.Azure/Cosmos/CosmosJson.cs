using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Azure.Cosmos;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>
/// Serialisation and query plumbing shared by the Cosmos adapters. They use the stream APIs with System.Text.Json
/// (the domain types carry STJ attributes) instead of the SDK's Newtonsoft serializer.
/// </summary>
internal static class CosmosJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Fixed-width UTC timestamps: string order is time order, so they sort and compare in queries.</summary>
    public static string SortableTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    public static MemoryStream ToStream(JsonNode document) => new(JsonSerializer.SerializeToUtf8Bytes(document, Options));

    public static JsonNode ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options)!;

    public static T FromNode<T>(JsonNode node) =>
        node.Deserialize<T>(Options) ?? throw new JsonException($"Empty {typeof(T).Name} document.");

    /// <summary>Runs a query inside one partition key (or key prefix) and returns every document.</summary>
    public static async Task<List<JsonObject>> QueryAsync(Container container, QueryDefinition query, PartitionKey partitionKey, CancellationToken cancellationToken, int? maxItemCount = null)
    {
        var results = new List<JsonObject>();
        using var iterator = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions
        {
            PartitionKey = partitionKey,
            MaxItemCount = maxItemCount,
            // Single-partition queries go straight to the gateway without a query plan.
            EnableOptimisticDirectExecution = true,
        });
        while (iterator.HasMoreResults)
        {
            using var response = await iterator.ReadNextAsync(cancellationToken);
            EnsureSuccess(response);
            var page = await JsonNode.ParseAsync(response.Content, cancellationToken: cancellationToken);
            foreach (var document in page?["Documents"]?.AsArray() ?? [])
            {
                results.Add(document!.AsObject());
            }
        }

        return results;
    }

    /// <summary>Throws the SDK's <see cref="CosmosException"/> (status, activity id, diagnostics) for a failed stream call.</summary>
    public static void EnsureSuccess(ResponseMessage response) => response.EnsureSuccessStatusCode();

    public static bool IsConflict(HttpStatusCode status) => status is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound;
}
