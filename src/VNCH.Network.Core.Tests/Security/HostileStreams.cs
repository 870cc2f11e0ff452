using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Security;

/// <summary>
/// Hostile uploads made on the fly (never held whole in memory) and an ingestion handler over a store that hashes
/// and discards, so the bytes a test measures are the ones ingestion itself allocates.
/// </summary>
internal static class HostileStreams
{
    public static readonly TenantId Tenant = TenantId.Parse("hosp-a");

    /// <summary>A stream of <paramref name="head"/>, then <paramref name="fillLength"/> bytes of <paramref name="fill"/>, then <paramref name="tail"/>.</summary>
    public static Stream Generated(byte[] head, byte fill, long fillLength, byte[] tail) => new GeneratedStream(head, fill, fillLength, tail);

    /// <summary>The same, with a repeated pattern (e.g. an XML element) instead of a single byte.</summary>
    public static Stream Repeated(byte[] head, byte[] unit, long count, byte[] tail) => new GeneratedStream(head, unit, count, tail);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static (IngestionHandler Handler, InMemoryStudyStore Studies, InMemoryAuditSink Audit, DiscardingOriginalStore Originals) Handler()
    {
        var studies = new InMemoryStudyStore();
        var audit = new InMemoryAuditSink();
        var originals = new DiscardingOriginalStore();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));
        var handler = new IngestionHandler(originals, studies, new InMemoryWorkQueue(time), audit,
            [new DicomDocumentParser(), new AecgDocumentParser(), new AudiogramDocumentParser(), new FhirAudiogramBundleParser()],
            time, NullLogger<IngestionHandler>.Instance);
        return (handler, studies, audit, originals);
    }

    public static Task<IngestOutcome> IngestAsync(this IngestionHandler handler, Stream content, string? mediaType) =>
        handler.IngestAsync(new IngestRequest(Tenant, content, mediaType, "http", "tester", "corr-hostile"), CancellationToken.None);

    /// <summary>Bytes allocated by the whole process while <paramref name="action"/> runs (tests using it run alone).</summary>
    public static async Task<(T Result, long Allocated)> MeasureAsync<T>(Func<Task<T>> action)
    {
        GC.Collect();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await action();
        return (result, GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    /// <summary>A Part 10 file: preamble, a meta group naming <paramref name="transferSyntax"/>, then <paramref name="dataset"/> as given.</summary>
    public static byte[] Part10(string transferSyntax, byte[] dataset)
    {
        using var file = new MemoryStream();
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        var ts = Utf8(transferSyntax.Length % 2 == 1 ? transferSyntax + "\0" : transferSyntax);
        var meta = new MemoryStream();
        WriteExplicit(meta, 0x0002, 0x0010, "UI", ts);
        WriteExplicit(file, 0x0002, 0x0000, "UL", BitConverter.GetBytes((uint)meta.Length));
        file.Write(meta.ToArray());
        file.Write(dataset);
        return file.ToArray();
    }

    /// <summary>The identifying elements of a Secondary Capture instance, explicit VR little endian.</summary>
    public static byte[] Identity(string instanceUid)
    {
        var data = new MemoryStream();
        WriteExplicit(data, 0x0008, 0x0016, "UI", Utf8("1.2.840.10008.5.1.4.1.1.7\0"));
        WriteExplicit(data, 0x0008, 0x0018, "UI", Utf8(instanceUid.Length % 2 == 1 ? instanceUid + "\0" : instanceUid));
        WriteExplicit(data, 0x0020, 0x000D, "UI", Utf8("1.2.3.4\0"));
        return data.ToArray();
    }

    /// <summary>An explicit VR little endian element header (+ value when given).</summary>
    public static void WriteExplicit(Stream to, ushort group, ushort element, string vr, byte[]? value, uint? declaredLength = null)
    {
        to.Write(BitConverter.GetBytes(group));
        to.Write(BitConverter.GetBytes(element));
        to.Write(Encoding.ASCII.GetBytes(vr));
        var length = declaredLength ?? (uint)(value?.Length ?? 0);
        if (vr is "OB" or "OW" or "SQ" or "UN" or "UT" or "OF" or "OD" or "OL")
        {
            to.Write(new byte[2]);
            to.Write(BitConverter.GetBytes(length));
        }
        else
        {
            to.Write(BitConverter.GetBytes((ushort)length));
        }

        if (value is not null)
        {
            to.Write(value);
        }
    }

    /// <summary>Raw deflate of <paramref name="head"/> followed by <paramref name="zeros"/> zero bytes, compressed as it streams.</summary>
    public static byte[] Deflate(byte[] head, long zeros)
    {
        using var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(head);
            var chunk = new byte[1 << 20];
            for (var left = zeros; left > 0; left -= chunk.Length)
            {
                deflate.Write(chunk, 0, (int)Math.Min(chunk.Length, left));
            }
        }

        return output.ToArray();
    }

    /// <summary>Hashes what it is given and keeps nothing.</summary>
    public sealed class DiscardingOriginalStore : IOriginalStore
    {
        public long BytesSeen { get; private set; }

        /// <summary>The whole upload was read (the store returned).</summary>
        public bool Completed { get; private set; }

        public async Task<StoredOriginal> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long length = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                length += read;
                BytesSeen = length;
            }

            Completed = true;
            return new StoredOriginal(Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }

        public Task<Stream> OpenAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) =>
            throw new NotSupportedException("Nothing is kept.");

        public Task<bool> ExistsAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) => Task.FromResult(false);
    }

    private sealed class GeneratedStream : Stream
    {
        private readonly byte[] head;
        private readonly byte[] unit;
        private readonly long bodyLength;
        private readonly byte[] tail;
        private long position;

        public GeneratedStream(byte[] head, byte fill, long fillLength, byte[] tail)
            : this(head, [fill], fillLength, tail)
        {
        }

        public GeneratedStream(byte[] head, byte[] unit, long count, byte[] tail)
        {
            this.head = head;
            this.unit = unit;
            bodyLength = unit.Length * count;
            this.tail = tail;
        }

        private long Total => head.Length + bodyLength + tail.Length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && position < Total)
            {
                buffer[written++] = position < head.Length
                    ? head[position]
                    : position < head.Length + bodyLength
                        ? unit[(position - head.Length) % unit.Length]
                        : tail[position - head.Length - bodyLength];
                position++;
            }

            return written;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
