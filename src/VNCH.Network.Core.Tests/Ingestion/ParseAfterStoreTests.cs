using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Testing;
using static VNCH.Network.Core.Tests.Security.HostileStreams;

namespace VNCH.Network.Core.Tests.Ingestion;

/// <summary>
/// ADR 0116: the upload is read once; a document that fits the pipe is parsed after the store finished (no thread
/// waits on the other), a larger one beside the store from the moment it stops fitting (memory stays bounded).
/// </summary>
public sealed class ParseAfterStoreTests
{
    private static readonly TenantId Tenant = TenantId.Parse("hosp-a");

    [Fact]
    public async Task A_radiograph_is_parsed_after_its_original_is_stored_from_the_same_single_read()
    {
        var bytes = await File.ReadAllBytesAsync(TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm"));
        var (handler, store, parser) = Handler();

        var outcome = await handler.IngestAsync(new IngestRequest(Tenant, new MemoryStream(bytes), MediaTypes.Dicom, "http", "tester", "corr"), CancellationToken.None);

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        Assert.Equal(1, parser.Calls);
        Assert.True(parser.StoreWasComplete, "a document that fits the pipe is parsed once the store is done");
        Assert.Equal(bytes.Length, store.BytesSeen);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), outcome.Sha256);
    }

    [Fact]
    public async Task A_document_larger_than_the_pipe_is_parsed_beside_the_store_and_accepted()
    {
        // A Secondary Capture with a 12 MiB encapsulated document: three times what the pipe holds for a late parser.
        var head = new MemoryStream();
        head.Write(Part10("1.2.840.10008.1.2.1", Identity("1.2.3.4.5")));
        const int documentBytes = 12 * 1024 * 1024;
        WriteExplicit(head, 0x0042, 0x0011, "OB", null, declaredLength: documentBytes);
        var length = head.Length + documentBytes;
        var (handler, store, parser) = Handler();

        var outcome = await handler.IngestAsync(
            new IngestRequest(Tenant, Generated(head.ToArray(), 0x20, documentBytes, []), MediaTypes.Dicom, "http", "tester", "corr"), CancellationToken.None);

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
        Assert.Equal("1.2.3.4.5", outcome.InstanceUid);
        Assert.Equal(1, parser.Calls);
        Assert.False(parser.StoreWasComplete, "a document larger than the pipe is parsed while it is stored");
        Assert.Equal(length, store.BytesSeen);
    }

    private static (IngestionHandler Handler, DiscardingOriginalStore Store, ObservingParser Parser) Handler()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var store = new DiscardingOriginalStore();
        var parser = new ObservingParser(new DicomDocumentParser(), store);
        var handler = new IngestionHandler(store, new InMemoryStudyStore(), new InMemoryWorkQueue(time), new InMemoryAuditSink(), [parser], time,
            NullLogger<IngestionHandler>.Instance);
        return (handler, store, parser);
    }

    /// <summary>The DICOM parser, noting whether the store had finished when parsing began.</summary>
    private sealed class ObservingParser(IStudyDocumentParser inner, DiscardingOriginalStore store) : IStudyDocumentParser
    {
        public int Calls { get; private set; }

        public bool StoreWasComplete { get; private set; }

        public bool CanParse(string? mediaType, ReadOnlySpan<byte> head) => inner.CanParse(mediaType, head);

        public Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
        {
            Calls++;
            StoreWasComplete = store.Completed;
            return inner.ParseAsync(content, cancellationToken);
        }
    }
}
