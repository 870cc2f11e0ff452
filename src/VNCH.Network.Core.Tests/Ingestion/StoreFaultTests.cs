using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Ingestion;

/// <summary>
/// Issue 13, faults: the disk fills or a store is unavailable in the middle of an ingest. The uploader gets a
/// retryable "out-of-resources" outcome (503 at the API), never an exception (500); nothing half-written is left
/// visible; and the retry the uploader makes completes the document exactly once.
/// </summary>
public sealed class StoreFaultTests
{
    private static readonly TenantId Tenant = TenantId.Parse("hosp-a");
    private static readonly byte[] Cxr = File.ReadAllBytes(TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm"));

    private readonly FlakyStudyStore studies = new();
    private readonly FlakyQueue queue = new();
    private readonly FlakyOriginals originals = new();
    private readonly InMemoryAuditSink audit = new();

    [Theory]
    [InlineData("originals")] // disk full while the original is written
    [InlineData("studies")] // database full or unavailable when the study is recorded
    [InlineData("queue")] // queue unavailable after the study is recorded
    public async Task A_store_failing_mid_ingest_is_a_retryable_outcome_and_the_retry_records_the_document_once(string failing)
    {
        var handler = Handler();
        Fail(failing, true);

        var first = await handler.IngestAsync(Request(), CancellationToken.None);

        Assert.Equal(IngestStatus.Failed, first.Status);
        Assert.Equal(IngestReasons.OutOfResources, first.ReasonCode);
        Assert.DoesNotContain("No space left", first.Message ?? "", StringComparison.Ordinal); // the store's message stays in the log
        // No partial record: either no study, or (queue down) a study still "received" that the retry or the
        // stalled-study recovery queues; never a queued study without a message or a study without its original.
        var stored = (await studies.Inner.QueryAsync(Tenant, new StudyQuery(), CancellationToken.None)).Items;
        Assert.All(stored, s => Assert.Equal(StudyStatus.Received, s.Status));
        Assert.Equal(failing == "queue" ? 1 : 0, stored.Count);

        Fail(failing, false);
        var retry = await handler.IngestAsync(Request(), CancellationToken.None);

        Assert.Contains(retry.Status, new[] { IngestStatus.Accepted, IngestStatus.Duplicate });
        var study = Assert.Single((await studies.Inner.QueryAsync(Tenant, new StudyQuery(), CancellationToken.None)).Items);
        var instance = Assert.Single(await studies.Inner.ListInstancesAsync(Tenant, study.Id, CancellationToken.None));
        Assert.Equal(1, study.InstanceCount);
        Assert.Equal(StudyStatus.Queued, study.Status);
        Assert.Equal(1, queue.Inner.Pending);
        Assert.True(await originals.Inner.ExistsAsync(Tenant, instance.Sha256, CancellationToken.None));
    }

    [Fact]
    public async Task The_audit_trail_being_down_too_does_not_turn_the_outcome_into_an_exception()
    {
        var handler = Handler(new FailingAuditSink());
        Fail("studies", true);

        var outcome = await handler.IngestAsync(Request(), CancellationToken.None);

        Assert.Equal(IngestReasons.OutOfResources, outcome.ReasonCode);
    }

    private IngestionHandler Handler(Core.Features.Audit.IAuditSink? auditSink = null) =>
        new(originals, studies, queue, auditSink ?? audit, [new DicomDocumentParser()], new FakeTimeProvider(), NullLogger<IngestionHandler>.Instance);

    private static IngestRequest Request() => new(Tenant, new MemoryStream(Cxr), "application/dicom", "http", "tester", "corr-1");

    private void Fail(string which, bool on)
    {
        switch (which)
        {
            case "originals": originals.Failing = on; break;
            case "studies": studies.Failing = on; break;
            default: queue.Failing = on; break;
        }
    }

    private sealed class FlakyStudyStore : IStudyStore
    {
        public InMemoryStudyStore Inner { get; } = new();

        public bool Failing { get; set; }

        public Task<Study?> GetAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) => Inner.GetAsync(tenant, studyId, cancellationToken);

        public Task SaveAsync(Study study, CancellationToken cancellationToken) =>
            Failing ? throw new StoreUnavailableException("database or disk is full (No space left on device)") : Inner.SaveAsync(study, cancellationToken);

        public Task<InstanceLocation?> FindInstanceAsync(TenantId tenant, string instanceUid, CancellationToken cancellationToken) =>
            Inner.FindInstanceAsync(tenant, instanceUid, cancellationToken);

        public Task<HeldInstance?> AddInstanceAsync(TenantId tenant, string studyId, StudyInstance instance, CancellationToken cancellationToken) =>
            Failing ? throw new StoreUnavailableException("database or disk is full (No space left on device)") : Inner.AddInstanceAsync(tenant, studyId, instance, cancellationToken);

        public Task<IReadOnlyList<StudyInstance>> ListInstancesAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
            Inner.ListInstancesAsync(tenant, studyId, cancellationToken);

        public Task<StudyPage> QueryAsync(TenantId tenant, StudyQuery query, CancellationToken cancellationToken) => Inner.QueryAsync(tenant, query, cancellationToken);
    }

    private sealed class FlakyQueue : IWorkQueue
    {
        public InMemoryWorkQueue Inner { get; } = new(TimeProvider.System);

        public bool Failing { get; set; }

        public Task EnqueueAsync(AnalyseStudy item, CancellationToken cancellationToken) =>
            Failing ? throw new TimeoutException("queue service unavailable (503)") : Inner.EnqueueAsync(item, cancellationToken);

        public Task<WorkMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken) => Inner.ReceiveAsync(visibilityTimeout, cancellationToken);

        public Task CompleteAsync(WorkMessage message, CancellationToken cancellationToken) => Inner.CompleteAsync(message, cancellationToken);

        public Task ReleaseAsync(WorkMessage message, TimeSpan delay, CancellationToken cancellationToken) => Inner.ReleaseAsync(message, delay, cancellationToken);

        public Task PoisonAsync(WorkMessage message, string reason, CancellationToken cancellationToken) => Inner.PoisonAsync(message, reason, cancellationToken);
    }

    private sealed class FlakyOriginals : IOriginalStore
    {
        public InMemoryOriginalStore Inner { get; } = new();

        public bool Failing { get; set; }

        public async Task<StoredOriginal> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                await content.CopyToAsync(Stream.Null, cancellationToken); // the disk fills after the bytes were read
                throw new IOException("No space left on device");
            }

            return await Inner.PutAsync(tenant, content, cancellationToken);
        }

        public Task<Stream> OpenAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) => Inner.OpenAsync(tenant, sha256, cancellationToken);

        public Task<bool> ExistsAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) => Inner.ExistsAsync(tenant, sha256, cancellationToken);
    }

    private sealed class FailingAuditSink : Core.Features.Audit.IAuditSink
    {
        public Task WriteAsync(Core.Features.Audit.AuditRecord record, CancellationToken cancellationToken) =>
            throw new StoreUnavailableException("audit store unavailable");

        public Task<IReadOnlyList<Core.Features.Audit.AuditRecord>> ReadAsync(TenantId tenant, DateTimeOffset? since, int limit, CancellationToken cancellationToken) =>
            throw new StoreUnavailableException("audit store unavailable");
    }
}
