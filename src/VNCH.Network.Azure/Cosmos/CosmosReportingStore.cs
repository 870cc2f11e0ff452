using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.Reporting;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>
/// The reporting cube in the <c>reporting</c> container (ADR 0085), partitioned by <c>/bucket</c>:
/// <list type="bullet">
/// <item><c>facts-0</c>..<c>facts-f</c>: one item per study contribution, spread over a fixed set of 16 logical
/// partitions by its (already keyed-hash) key, so a national read is 16 single-partition queries and no partition
/// grows past 1/16 of the network.</item>
/// <item><c>key</c>: the pseudonym key, created once by whichever instance gets there first.</item>
/// <item><c>snapshots</c>: every snapshot header; <c>snapshot:&lt;id&gt;</c>: the newest snapshot's document,
/// gzip-compressed and cut into chunks well below the 2 MB item limit.</item>
/// <item><c>snapshot-claims</c>: one item per snapshot that has a successor, naming it (the chain's compare-and-set).</item>
/// </list>
/// Holds no identifier: every key in it is a keyed hash whose key never leaves this container.
/// </summary>
public sealed class CosmosReportingStore(Container container) : IReportingStore
{
    /// <summary>Fixed: changing it moves every fact to another partition (a rebuild, ADR 0085).</summary>
    public const int FactBuckets = 16;

    /// <summary>Compressed bytes per chunk item: base64 makes it about 1.4 MB, under the 2 MB item limit.</summary>
    internal const int ChunkBytes = 1_000_000;

    private const string KeyBucket = "key";
    private const string KeyId = "pseudonym";
    private const string SnapshotsBucket = "snapshots";
    private const string ClaimsBucket = "snapshot-claims";
    private static readonly TimeSpan AbandonedClaimAge = TimeSpan.FromMinutes(30);
    private const int MaxWriteAttempts = 10;
    private readonly SemaphoreSlim keyGate = new(1, 1);
    private byte[]? key;

    public static string FactBucket(string factKey) =>
        $"facts-{SHA256.HashData(Encoding.UTF8.GetBytes(factKey))[0] % FactBuckets:x}";

    public static IEnumerable<string> AllFactBuckets => Enumerable.Range(0, FactBuckets).Select(i => $"facts-{i:x}");

    public async Task<byte[]> GetOrCreatePseudonymKeyAsync(CancellationToken cancellationToken)
    {
        if (key is not null)
        {
            return key;
        }

        await keyGate.WaitAsync(cancellationToken);
        try
        {
            if (key is null)
            {
                // Create-if-absent: of racing instances one creates it (201), the others get 409 and read the winner's.
                var item = new JsonObject { ["id"] = KeyId, ["bucket"] = KeyBucket, ["value"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };
                using (var content = CosmosJson.ToStream(item))
                using (var response = await container.CreateItemStreamAsync(content, new PartitionKey(KeyBucket), cancellationToken: cancellationToken))
                {
                    if (response.StatusCode != HttpStatusCode.Conflict)
                    {
                        CosmosJson.EnsureSuccess(response);
                    }
                }

                var stored = await ItemsAsync(KeyBucket, "c.id = @id", cancellationToken, ("@id", KeyId));
                key = Convert.FromBase64String((string)stored.Single()["value"]!);
            }

            return key;
        }
        finally
        {
            keyGate.Release();
        }
    }

    public async Task UpsertAsync(StudyFact fact, CancellationToken cancellationToken)
    {
        // Optimistic: create, or replace If-Match the stored item's ETag unless the stored version is later. A lost
        // race (409 on create, 412 on replace, 404 after a concurrent delete) reads again and decides again.
        var bucket = FactBucket(fact.Key);
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var stored = (await ItemsAsync(bucket, "c.id = @id", cancellationToken, ("@id", fact.Key))).SingleOrDefault();
            if (stored is not null && CosmosJson.FromNode<StudyFact>(stored["fact"]!).Version > fact.Version)
            {
                return;
            }

            using var content = CosmosJson.ToStream(FactItem(fact, bucket));
            using var response = stored is null
                ? await container.CreateItemStreamAsync(content, new PartitionKey(bucket), cancellationToken: cancellationToken)
                : await container.ReplaceItemStreamAsync(content, fact.Key, new PartitionKey(bucket), new ItemRequestOptions { IfMatchEtag = (string)stored["_etag"]! }, cancellationToken);
            if (!CosmosJson.IsConflict(response.StatusCode))
            {
                CosmosJson.EnsureSuccess(response);
                return;
            }
        }

        throw new InvalidOperationException($"Reporting fact {fact.Key} kept changing under {MaxWriteAttempts} attempts to write it.");
    }

    public async Task<IReadOnlyList<StudyFact>> ListAsync(CancellationToken cancellationToken) =>
        (await FactItemsAsync(cancellationToken)).Select(i => CosmosJson.FromNode<StudyFact>(i["fact"]!)).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Writes only what differs from the stored cube, then deletes what the records no longer hold: the cube is never
    /// empty in between (a snapshot cut during a rebuild sees old or new contributions, never none), and a rebuild
    /// of a consistent cube costs reads only.
    /// </summary>
    public async Task ReplaceAllAsync(IReadOnlyList<StudyFact> facts, CancellationToken cancellationToken)
    {
        var stored = (await FactItemsAsync(cancellationToken)).ToDictionary(i => (string)i["id"]!, i => CosmosJson.FromNode<StudyFact>(i["fact"]!), StringComparer.Ordinal);
        foreach (var fact in facts.Where(f => !stored.TryGetValue(f.Key, out var old) || !old.Equivalent(f)))
        {
            var bucket = FactBucket(fact.Key);
            using var content = CosmosJson.ToStream(FactItem(fact, bucket));
            using var response = await container.UpsertItemStreamAsync(content, new PartitionKey(bucket), cancellationToken: cancellationToken);
            CosmosJson.EnsureSuccess(response);
        }

        var kept = facts.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in stored.Keys.Where(k => !kept.Contains(k)))
        {
            await DeleteAsync(extra, FactBucket(extra), cancellationToken);
        }
    }

    public async Task SaveSnapshotAsync(StoredSnapshot snapshot, CancellationToken cancellationToken)
    {
        // The document's chunks first, then the header that points at them: a reader never finds a header whose
        // chunks are not all there. Then the older documents go (their headers first, for the same reason).
        await ClaimSuccessionAsync(snapshot.Header, cancellationToken);
        var chunks = snapshot.Document is null ? [] : Chunk(Compress(snapshot.Document));
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = new JsonObject { ["id"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture), ["bucket"] = DocumentBucket(snapshot.Header.Id), ["data"] = chunks[i] };
            await UpsertAsync(chunk, DocumentBucket(snapshot.Header.Id), cancellationToken);
        }

        await UpsertAsync(HeaderItem(snapshot.Header, chunks.Count), SnapshotsBucket, cancellationToken);
        foreach (var older in await ItemsAsync(SnapshotsBucket, "c.chunks > 0 AND c.id != @id", cancellationToken, ("@id", snapshot.Header.Id)))
        {
            var header = CosmosJson.FromNode<SnapshotHeader>(older["header"]!);
            await UpsertAsync(HeaderItem(header, 0), SnapshotsBucket, cancellationToken);
            foreach (var chunk in await ItemsAsync(DocumentBucket(header.Id), "true", cancellationToken))
            {
                await DeleteAsync((string)chunk["id"]!, DocumentBucket(header.Id), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The compare-and-set on the snapshot chain: one claim item per predecessor, created if absent, so of two
    /// instances following the same snapshot exactly one gets 201 and the other 409. A claim whose header never
    /// appeared (its instance died between claim and header) is taken over once it is older than
    /// <see cref="AbandonedClaimAge"/>, conditionally on its ETag, so a crash cannot stop publishing for good.
    /// </summary>
    private async Task ClaimSuccessionAsync(SnapshotHeader header, CancellationToken cancellationToken)
    {
        var claimId = "after:" + (header.PreviousId ?? "none");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var claim = new JsonObject { ["id"] = claimId, ["bucket"] = ClaimsBucket, ["successor"] = header.Id };
            using (var content = CosmosJson.ToStream(claim))
            using (var response = await container.CreateItemStreamAsync(content, new PartitionKey(ClaimsBucket), cancellationToken: cancellationToken))
            {
                if (response.StatusCode != HttpStatusCode.Conflict)
                {
                    CosmosJson.EnsureSuccess(response);
                    return;
                }
            }

            var existing = (await ItemsAsync(ClaimsBucket, "c.id = @id", cancellationToken, ("@id", claimId))).SingleOrDefault();
            if (existing is null)
            {
                continue;
            }

            var successor = (string)existing["successor"]!;
            // _ts is the server's write time in seconds; without it the claim counts as fresh (never taken over).
            var claimedAt = existing["_ts"] is { } ts ? DateTimeOffset.FromUnixTimeSeconds((long)ts) : DateTimeOffset.UtcNow;
            var published = (await ItemsAsync(SnapshotsBucket, "c.id = @id", cancellationToken, ("@id", successor))).Count > 0;
            if (successor == header.Id || published || DateTimeOffset.UtcNow - claimedAt < AbandonedClaimAge)
            {
                if (successor == header.Id)
                {
                    return; // our own claim from an earlier attempt of this same save
                }

                throw new SnapshotSupersededException(header.PreviousId ?? "none");
            }

            // Conditional on the claim read: if its instance wakes and another takes over, only one delete lands.
            using var delete = await container.DeleteItemStreamAsync(claimId, new PartitionKey(ClaimsBucket),
                new ItemRequestOptions { IfMatchEtag = (string?)existing["_etag"] }, cancellationToken);
        }

        throw new SnapshotSupersededException(header.PreviousId ?? "none");
    }

    public async Task<StoredSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT TOP 1 * FROM c WHERE c.bucket = @bucket ORDER BY c.sequence DESC").WithParameter("@bucket", SnapshotsBucket);
        var latest = (await CosmosJson.QueryAsync(container, query, new PartitionKey(SnapshotsBucket), cancellationToken)).SingleOrDefault();
        if (latest is null)
        {
            return null;
        }

        var header = CosmosJson.FromNode<SnapshotHeader>(latest["header"]!);
        var count = (int)latest["chunks"]!;
        if (count == 0)
        {
            return new StoredSnapshot(header, null);
        }

        var chunks = (await ItemsAsync(DocumentBucket(header.Id), "true", cancellationToken))
            .ToDictionary(c => int.Parse((string)c["id"]!, System.Globalization.CultureInfo.InvariantCulture), c => (string)c["data"]!);
        if (Enumerable.Range(0, count).Any(i => !chunks.ContainsKey(i)))
        {
            throw new InvalidDataException($"Snapshot {header.Id} lists {count} document chunks but {chunks.Count} are stored.");
        }

        return new StoredSnapshot(header, Decompress(Enumerable.Range(0, count).SelectMany(i => Convert.FromBase64String(chunks[i])).ToArray()));
    }

    public async Task<IReadOnlyList<SnapshotHeader>> ListSnapshotsAsync(CancellationToken cancellationToken) =>
        (await ItemsAsync(SnapshotsBucket, "true", cancellationToken))
            .OrderByDescending(i => (string)i["sequence"]!, StringComparer.Ordinal)
            .Select(i => CosmosJson.FromNode<SnapshotHeader>(i["header"]!))
            .ToList();

    internal static IReadOnlyList<string> Chunk(byte[] compressed) =>
        compressed.Chunk(ChunkBytes).Select(Convert.ToBase64String).ToList();

    private static string DocumentBucket(string snapshotId) => $"snapshot:{snapshotId}";

    private static JsonObject FactItem(StudyFact fact, string bucket) => new()
    {
        ["id"] = fact.Key,
        ["bucket"] = bucket,
        ["fact"] = CosmosJson.ToNode(fact),
    };

    private static JsonObject HeaderItem(SnapshotHeader header, int chunks) => new()
    {
        ["id"] = header.Id,
        ["bucket"] = SnapshotsBucket,
        // Newest first by time, then id: one sortable string so one ORDER BY (no composite index) finds the latest.
        ["sequence"] = $"{CosmosJson.SortableTime(header.AsOf)}|{header.Id}",
        ["chunks"] = chunks,
        ["header"] = CosmosJson.ToNode(header),
    };

    private static byte[] Compress(string document)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal))
        {
            gzip.Write(Encoding.UTF8.GetBytes(document));
        }

        return buffer.ToArray();
    }

    private static string Decompress(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private async Task<List<JsonObject>> FactItemsAsync(CancellationToken cancellationToken)
    {
        var pages = await Task.WhenAll(AllFactBuckets.Select(bucket => ItemsAsync(bucket, "true", cancellationToken)));
        return pages.SelectMany(p => p).ToList();
    }

    private Task<List<JsonObject>> ItemsAsync(string bucket, string condition, CancellationToken cancellationToken, params (string Name, string Value)[] parameters)
    {
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.bucket = @bucket AND {condition}").WithParameter("@bucket", bucket);
        foreach (var (name, value) in parameters)
        {
            query = query.WithParameter(name, value);
        }

        return CosmosJson.QueryAsync(container, query, new PartitionKey(bucket), cancellationToken);
    }

    private async Task UpsertAsync(JsonObject item, string bucket, CancellationToken cancellationToken)
    {
        using var content = CosmosJson.ToStream(item);
        using var response = await container.UpsertItemStreamAsync(content, new PartitionKey(bucket), cancellationToken: cancellationToken);
        CosmosJson.EnsureSuccess(response);
    }

    private async Task DeleteAsync(string id, string bucket, CancellationToken cancellationToken)
    {
        using var response = await container.DeleteItemStreamAsync(id, new PartitionKey(bucket), cancellationToken: cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            CosmosJson.EnsureSuccess(response);
        }
    }
}
