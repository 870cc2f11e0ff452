using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Quotas;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Contracts.Fakes;

/// <summary>In-memory study store with the same ETag semantics as the real adapters (documents are copied via JSON).</summary>
public sealed class InMemoryStudyStore : IStudyStore
{
    private readonly ConcurrentDictionary<(TenantId, string), (string Json, string ETag)> studies = new();
    private readonly ConcurrentDictionary<(TenantId, string), HeldInstance> instances = new();
    private readonly List<(TenantId Tenant, string StudyId, StudyInstance Instance)> arrivals = [];
    private readonly Lock gate = new();

    public Task<Study?> GetAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        Task.FromResult(studies.TryGetValue((tenant, studyId), out var row) ? Load(row) : null);

    public Task SaveAsync(Study study, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var key = (study.Tenant, study.Id);
            var exists = studies.TryGetValue(key, out var row);
            if (study.ETag is null ? exists : !exists || row.ETag != study.ETag)
            {
                throw new ConcurrencyConflictException($"Study {study.Id} changed.");
            }

            var etag = Guid.NewGuid().ToString("N");
            studies[key] = (JsonSerializer.Serialize(study), etag);
            study.ETag = etag;
        }

        return Task.CompletedTask;
    }

    public Task<InstanceLocation?> FindInstanceAsync(TenantId tenant, string instanceUid, CancellationToken cancellationToken) =>
        Task.FromResult(instances.TryGetValue((tenant, instanceUid), out var held) ? new InstanceLocation(held.StudyId, held.Instance.Sha256) : null);

    public Task<HeldInstance?> AddInstanceAsync(TenantId tenant, string studyId, StudyInstance instance, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (instances.TryGetValue((tenant, instance.InstanceUid), out var held))
            {
                return Task.FromResult<HeldInstance?>(held);
            }

            instances[(tenant, instance.InstanceUid)] = new HeldInstance(studyId, instance);
            arrivals.Add((tenant, studyId, instance));
            return Task.FromResult<HeldInstance?>(null);
        }
    }

    public Task<IReadOnlyList<StudyInstance>> ListInstancesAsync(TenantId tenant, string studyId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<StudyInstance>>(arrivals.Where(a => a.Tenant == tenant && a.StudyId == studyId).Select(a => a.Instance).ToList());
        }
    }

    public Task<StudyPage> QueryAsync(TenantId tenant, StudyQuery query, CancellationToken cancellationToken)
    {
        var all = studies.Where(s => s.Key.Item1 == tenant).Select(s => Load(s.Value))
            .Where(s => query.Status is null || s.Status == query.Status)
            .Where(s => query.Kind is null || s.Kind == query.Kind)
            .Where(s => query.Modality is null || s.Modality == query.Modality)
            .Where(s => query.Since is null || s.UpdatedAt >= query.Since)
            .OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal)
            .ToList();
        var skip = query.ContinuationToken is null ? 0 : int.Parse(query.ContinuationToken, System.Globalization.CultureInfo.InvariantCulture);
        var page = all.Skip(skip).Take(query.PageSize).ToList();
        var next = skip + page.Count < all.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new StudyPage(page, next));
    }

    private static Study Load((string Json, string ETag) row)
    {
        var study = JsonSerializer.Deserialize<Study>(row.Json)!;
        study.ETag = row.ETag;
        return study;
    }
}

public sealed class InMemoryOriginalStore : IOriginalStore, IStorageUsage
{
    private readonly ConcurrentDictionary<(TenantId, string), byte[]> blobs = new();

    private int openCount;

    public int PutCount { get; private set; }

    /// <summary>How often an original was read back (ingestion must not: it parses what it stores).</summary>
    public int OpenCount => openCount;

    public async Task<StoredOriginal> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var added = blobs.TryAdd((tenant, sha), bytes);
        PutCount++;
        return new StoredOriginal(sha, bytes.Length, WasAlreadyStored: !added);
    }

    public Task<Stream> OpenAsync(TenantId tenant, string sha256, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref openCount);
        return blobs.TryGetValue((tenant, sha256), out var bytes)
            ? Task.FromResult<Stream>(new MemoryStream(bytes, writable: false))
            : throw new FileNotFoundException($"No original {sha256} for {tenant}.");
    }

    public Task<bool> ExistsAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(blobs.ContainsKey((tenant, sha256)));

    /// <summary>The tenant's originals, as the adapters measure them for the storage quota.</summary>
    public Task<StorageUsage> MeasureAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        var own = blobs.Where(b => b.Key.Item1 == tenant).ToList();
        return Task.FromResult(new StorageUsage(own.Count, own.Sum(b => (long)b.Value.Length)));
    }
}

public sealed class InMemoryRecordStore : IRecordStore
{
    private readonly ConcurrentDictionary<(TenantId, string), IReadOnlyList<FhirRecord>> records = new();

    public int ReplaceCount { get; private set; }

    public Task ReplaceForStudyAsync(TenantId tenant, string studyId, IReadOnlyList<FhirRecord> set, CancellationToken cancellationToken)
    {
        records[(tenant, studyId)] = set.GroupBy(r => (r.ResourceType, r.Id)).Select(g => g.Last()).ToList();
        ReplaceCount++;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FhirRecord>> GetForStudyAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        Task.FromResult(records.TryGetValue((tenant, studyId), out var set) ? FhirRecordOrder.Sort(set) : (IReadOnlyList<FhirRecord>)[]);
}

/// <summary>In-memory queue with visibility timeout, dequeue count and receipts, on a (fake) clock.</summary>
public sealed class InMemoryWorkQueue(TimeProvider time) : IWorkQueue
{
    private readonly List<Entry> entries = [];
    private readonly Lock gate = new();

    public IReadOnlyList<(AnalyseStudy Item, string Reason)> Poisoned
    {
        get
        {
            lock (gate)
            {
                return entries.Where(e => e.PoisonReason is not null).Select(e => (e.Item, e.PoisonReason!)).ToList();
            }
        }
    }

    public int Pending
    {
        get
        {
            lock (gate)
            {
                return entries.Count(e => e.PoisonReason is null);
            }
        }
    }

    public Task EnqueueAsync(AnalyseStudy item, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            entries.Add(new Entry { Id = Guid.NewGuid().ToString("N"), Item = item, VisibleAt = time.GetUtcNow() });
        }

        return Task.CompletedTask;
    }

    public Task<WorkMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            var now = time.GetUtcNow();
            var entry = entries.Where(e => e.PoisonReason is null && e.VisibleAt <= now).OrderBy(e => e.VisibleAt).FirstOrDefault();
            if (entry is null)
            {
                return Task.FromResult<WorkMessage?>(null);
            }

            entry.DequeueCount++;
            entry.Receipt = Guid.NewGuid().ToString("N");
            entry.VisibleAt = now + visibilityTimeout;
            return Task.FromResult<WorkMessage?>(new WorkMessage(entry.Id, entry.Receipt, entry.DequeueCount, entry.Item));
        }
    }

    public Task CompleteAsync(WorkMessage message, CancellationToken cancellationToken) =>
        ForHolder(message, e => entries.Remove(e));

    public Task ReleaseAsync(WorkMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        ForHolder(message, e => e.VisibleAt = time.GetUtcNow() + delay);

    public Task PoisonAsync(WorkMessage message, string reason, CancellationToken cancellationToken) =>
        ForHolder(message, e => e.PoisonReason = reason);

    private Task ForHolder(WorkMessage message, Action<Entry> action)
    {
        lock (gate)
        {
            var entry = entries.FirstOrDefault(e => e.Id == message.Id && e.Receipt == message.Receipt);
            if (entry is not null)
            {
                action(entry);
            }
        }

        return Task.CompletedTask;
    }

    private sealed class Entry
    {
        public required string Id { get; init; }

        public required AnalyseStudy Item { get; init; }

        public DateTimeOffset VisibleAt { get; set; }

        public int DequeueCount { get; set; }

        public string? Receipt { get; set; }

        public string? PoisonReason { get; set; }
    }
}

public sealed class InMemoryAuditSink : IAuditSink
{
    private readonly ConcurrentQueue<AuditRecord> records = new();

    public IReadOnlyList<AuditRecord> All => records.ToList();

    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        records.Enqueue(record);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(TenantId tenant, DateTimeOffset? since, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AuditRecord>>(records.Where(r => r.Tenant == tenant && (since is null || r.Time >= since)).Take(limit).ToList());
}

public sealed class InMemoryTenantDirectory(params Tenant[] tenants) : ITenantDirectory
{
    private readonly ConcurrentDictionary<TenantId, Tenant> tenants = new(tenants.ToDictionary(t => t.Id));

    public Task<Tenant?> GetAsync(TenantId id, CancellationToken cancellationToken) =>
        Task.FromResult(tenants.TryGetValue(id, out var tenant) ? tenant : null);

    public Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Tenant>>(tenants.Values.OrderBy(t => t.Id.Value).ToList());

    public Task UpsertAsync(Tenant tenant, CancellationToken cancellationToken)
    {
        tenants[tenant.Id] = tenant;
        return Task.CompletedTask;
    }
}

public sealed class RecordingEventPublisher : IEventPublisher
{
    private readonly ConcurrentQueue<StudyResultEvent> events = new();

    public IReadOnlyList<StudyResultEvent> Events => events.ToList();

    public Task PublishAsync(StudyResultEvent resultEvent, CancellationToken cancellationToken)
    {
        events.Enqueue(resultEvent);
        return Task.CompletedTask;
    }
}
