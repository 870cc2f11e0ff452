using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Ingestion;

/// <summary>
/// Only a store's own failure is "storage unavailable, retry" (503); a fault of ours (a bug) surfaces as one, so the
/// API answers 500 with a correlation id instead of telling the uploader to retry into the same bug.
/// </summary>
public sealed class StoreFailureNarrowingTests
{
    private static readonly TenantId Tenant = TenantId.Parse("hosp-a");
    private static readonly byte[] Cxr = File.ReadAllBytes(TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm"));

    public static TheoryData<string, string> StoreFailures => new()
    {
        { "originals", "store-unavailable" },
        { "originals", "io" },
        { "queue", "timeout" },
        { "queue", "classified" }, // an adapter's own SDK failure, recognised by its registered classifier
    };

    [Theory]
    [MemberData(nameof(StoreFailures))]
    public async Task A_stores_own_failure_is_the_retryable_out_of_resources_outcome(string where, string failure)
    {
        var handler = Handler(where, Failure(failure));

        var outcome = await handler.IngestAsync(Request(), CancellationToken.None);

        Assert.Equal(IngestReasons.OutOfResources, outcome.ReasonCode);
    }

    [Theory]
    [InlineData("originals")]
    [InlineData("queue")]
    public async Task A_programming_fault_during_the_store_is_not_disguised_as_storage_unavailable(string where)
    {
        var handler = Handler(where, new NullReferenceException("a bug of ours"));

        await Assert.ThrowsAsync<NullReferenceException>(() => handler.IngestAsync(Request(), CancellationToken.None));
    }

    private static Exception Failure(string kind) => kind switch
    {
        "store-unavailable" => new StoreUnavailableException("database or disk is full"),
        "io" => new IOException("No space left on device"),
        "timeout" => new TimeoutException("queue service unavailable"),
        _ => new SdkFailure(),
    };

    private static IngestionHandler Handler(string where, Exception failure)
    {
        var time = new FakeTimeProvider();
        IOriginalStore originals = where == "originals" ? new ThrowingOriginals(failure) : new InMemoryOriginalStore();
        IWorkQueue queue = where == "queue" ? new ThrowingQueue(failure, time) : new InMemoryWorkQueue(time);
        return new IngestionHandler(originals, new InMemoryStudyStore(), queue, new InMemoryAuditSink(), [new DicomDocumentParser()], time,
            NullLogger<IngestionHandler>.Instance, storeFailures: [new SdkFailureClassifier()]);
    }

    private static IngestRequest Request() => new(Tenant, new MemoryStream(Cxr), "application/dicom", "http", "tester", "corr-narrow");

    private sealed class SdkFailure() : Exception("503 from the service");

    private sealed class SdkFailureClassifier : IStoreFailureClassifier
    {
        public bool IsStoreFailure(Exception exception) => exception is SdkFailure;
    }

    private sealed class ThrowingOriginals(Exception failure) : IOriginalStore
    {
        public async Task<StoredOriginal> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken)
        {
            await content.ReadAtLeastAsync(new byte[4096], 1, throwOnEndOfStream: false, cancellationToken);
            throw failure;
        }

        public Task<Stream> OpenAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) => throw failure;

        public Task<bool> ExistsAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) => throw failure;
    }

    private sealed class ThrowingQueue(Exception failure, TimeProvider time) : IWorkQueue
    {
        private readonly InMemoryWorkQueue inner = new(time);

        public Task EnqueueAsync(AnalyseStudy item, CancellationToken cancellationToken) => throw failure;

        public Task<WorkMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken) => inner.ReceiveAsync(visibilityTimeout, cancellationToken);

        public Task CompleteAsync(WorkMessage message, CancellationToken cancellationToken) => inner.CompleteAsync(message, cancellationToken);

        public Task ReleaseAsync(WorkMessage message, TimeSpan delay, CancellationToken cancellationToken) => inner.ReleaseAsync(message, delay, cancellationToken);

        public Task PoisonAsync(WorkMessage message, string reason, CancellationToken cancellationToken) => inner.PoisonAsync(message, reason, cancellationToken);
    }
}
