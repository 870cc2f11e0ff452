using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Quotas;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Tests.Security;

namespace VNCH.Network.Core.Tests.Quotas;

/// <summary>Issue 13 item 7: per-hospital storage quotas, checked before an upload is acknowledged (ADR 0108).</summary>
public sealed class StorageQuotaTests
{
    private static readonly TenantId TenantA = TenantId.Parse("hosp-a");
    private static readonly TenantId TenantB = TenantId.Parse("hosp-b");

    private readonly InMemoryOriginalStore originals = new();
    private readonly InMemoryAuditSink audit = new();
    private readonly CapturingLoggerProvider logs = new();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task An_upload_that_would_pass_the_hospitals_byte_quota_is_refused_while_it_streams_and_nothing_of_it_is_kept()
    {
        var handler = Handler(new StorageQuotaOptions { MaxOriginalBytes = 3000, MaxDocuments = null });

        var first = await IngestAsync(handler, TenantA, RandomNumberGenerator.GetBytes(2000));
        var content = new CountingStream(RandomNumberGenerator.GetBytes(4_000_000));
        var second = await handler.IngestAsync(Request(TenantA, content), CancellationToken.None);
        var otherHospital = await IngestAsync(handler, TenantB, RandomNumberGenerator.GetBytes(2000));

        Assert.NotEqual(IngestReasons.StorageQuotaExceeded, first.ReasonCode); // stored (rejected for its content, but kept)
        Assert.Equal(IngestStatus.Failed, second.Status);
        Assert.Equal(IngestReasons.StorageQuotaExceeded, second.ReasonCode);
        Assert.Null(second.Sha256);
        Assert.True(content.BytesRead < 1_000_000, $"read {content.BytesRead} bytes"); // stopped within a buffer or two of the remaining 1000, not read to its end
        Assert.Equal(new StorageUsage(1, 2000), await originals.MeasureAsync(TenantA, CancellationToken.None)); // nothing of the refused one kept
        Assert.NotEqual(IngestReasons.StorageQuotaExceeded, otherHospital.ReasonCode);
        var refusal = Assert.Single(audit.All, r => r.Detail?.Contains(IngestReasons.StorageQuotaExceeded, StringComparison.Ordinal) == true);
        Assert.Equal((TenantA, AuditOutcomes.Rejected), (refusal.Tenant, refusal.Outcome));
    }

    [Fact]
    public async Task A_hospital_at_its_document_quota_is_refused_before_its_upload_is_read_and_an_override_gives_another_hospital_more()
    {
        var options = new StorageQuotaOptions { MaxOriginalBytes = null, MaxDocuments = 1 };
        options.Tenants["hosp-b"] = new TenantQuotaOptions { MaxDocuments = 3 };
        var handler = Handler(options);

        await IngestAsync(handler, TenantA, RandomNumberGenerator.GetBytes(500));
        var unread = new CountingStream(RandomNumberGenerator.GetBytes(500));
        var refused = await handler.IngestAsync(Request(TenantA, unread), CancellationToken.None);
        var b = new List<IngestOutcome>();
        for (var i = 0; i < 4; i++)
        {
            b.Add(await IngestAsync(handler, TenantB, RandomNumberGenerator.GetBytes(500)));
        }

        Assert.Equal(IngestReasons.StorageQuotaExceeded, refused.ReasonCode);
        Assert.Equal(0, unread.BytesRead);
        Assert.Equal([false, false, false, true], b.Select(o => o.ReasonCode == IngestReasons.StorageQuotaExceeded));
        Assert.Equal(3, (await originals.MeasureAsync(TenantB, CancellationToken.None)).Documents);
    }

    [Fact]
    public async Task Bytes_already_stored_do_not_count_twice()
    {
        var handler = Handler(new StorageQuotaOptions { MaxOriginalBytes = 2500, MaxDocuments = null });
        var bytes = RandomNumberGenerator.GetBytes(1000);

        await IngestAsync(handler, TenantA, bytes);
        await IngestAsync(handler, TenantA, bytes); // the same original: adds nothing
        var third = await IngestAsync(handler, TenantA, RandomNumberGenerator.GetBytes(1000));

        Assert.NotEqual(IngestReasons.StorageQuotaExceeded, third.ReasonCode);
    }

    [Fact]
    public async Task An_inbox_file_refused_for_the_quota_is_in_the_audit_and_the_log()
    {
        var ingestion = Handler(new StorageQuotaOptions { MaxDocuments = 1 });
        var inbox = new InboxHandler(ingestion, new InMemoryTenantDirectory(new Tenant { Id = TenantA, Name = "A" }), audit, time, NullLogger<InboxHandler>.Instance);
        await IngestAsync(ingestion, TenantA, RandomNumberGenerator.GetBytes(100));

        var result = await inbox.HandleAsync("hosp-a/scan-0001.dcm", _ => Task.FromResult<Stream?>(new MemoryStream(RandomNumberGenerator.GetBytes(100))), "inbox:c1", CancellationToken.None);

        Assert.Equal(IngestReasons.StorageQuotaExceeded, result.Outcome?.ReasonCode);
        var record = Assert.Single(audit.All, r => r.CorrelationId == "inbox:c1");
        Assert.Equal(AuditOutcomes.Rejected, record.Outcome);
        Assert.Equal("inbox:hosp-a/scan-0001.dcm: storage-quota-exceeded", record.Detail);
        Assert.Contains(logs.Lines, l => l.Contains("reached its storage quota", StringComparison.Ordinal) && l.Contains("inbox:c1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("bytes")]
    [InlineData("documents")]
    [InlineData("rejected")]
    [InlineData("age")]
    [InlineData("refresh")]
    [InlineData("tenant-id")]
    public void Options_that_cannot_be_a_quota_are_refused_at_start(string wrong)
    {
        var options = new StorageQuotaOptions();
        Assert.Empty(Validate(options));
        switch (wrong)
        {
            case "bytes": options.MaxOriginalBytes = 0; break;
            case "documents": options.Tenants["hosp-a"] = new TenantQuotaOptions { MaxDocuments = -1 }; break;
            case "rejected": options.MaxRejectedDocuments = -1; break;
            case "age": options.MaxRejectedAge = TimeSpan.Zero; break;
            case "refresh": options.UsageRefreshInterval = TimeSpan.Zero; break;
            default: options.Tenants["Not A Hospital!"] = new TenantQuotaOptions(); break;
        }

        Assert.NotEmpty(Validate(options));
    }

    [Theory]
    [InlineData("count", 2, null, null)]
    [InlineData("bytes", null, 2500L, null)]
    [InlineData("age", null, null, 90)]
    public void The_oldest_rejected_originals_beyond_the_bound_are_the_ones_evicted(string bound, int? maxDocuments, long? maxBytes, int? maxAgeSeconds)
    {
        var start = time.GetUtcNow();
        var kept = Enumerable.Range(0, 3).Select(i => new RejectedOriginal($"s{i}", new string((char)('a' + i), 64), 1000, start.AddMinutes(i))).ToList();
        var limits = new TenantQuota(null, null, maxDocuments, maxBytes, maxAgeSeconds is { } s ? TimeSpan.FromSeconds(s) : null);

        var evicted = RejectedRetention.Beyond(kept, limits, start.AddMinutes(2));

        Assert.Equal(["s0"], evicted.Select(e => e.Original.StudyId));
        Assert.Contains(bound switch { "count" => "documents", "bytes" => "bytes", _ => "age" }, evicted[0].Why, StringComparison.Ordinal);
    }

    private static List<ValidationResult> Validate(StorageQuotaOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    private IngestionHandler Handler(StorageQuotaOptions options) =>
        new(originals, new InMemoryStudyStore(), new InMemoryWorkQueue(time), audit, [new DicomDocumentParser(), new AecgDocumentParser()], time,
            logs.For<IngestionHandler>(), quota: new StorageQuota(originals, Options.Create(options), time));

    private static IngestRequest Request(TenantId tenant, Stream content) => new(tenant, content, null, "http", "tester", "corr-quota");

    private static Task<IngestOutcome> IngestAsync(IngestionHandler handler, TenantId tenant, byte[] bytes) =>
        handler.IngestAsync(Request(tenant, new MemoryStream(bytes)), CancellationToken.None);

    private sealed class CountingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Counted(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Counted(base.Read(buffer));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Counted(await base.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Counted(int read)
        {
            BytesRead += read;
            return read;
        }
    }
}
