using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Routing;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Dicom;

namespace VNCH.Network.Api.Tests.DicomWeb;

/// <summary>Measures allocation for the whole process, so nothing else may run meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationMeasurement
{
    public const string Name = "Allocation measurement";
}

/// <summary>
/// A study of hundreds of instances, written by our DICOM writer, retrieved through the WADO-RS route as a client
/// gets it: the response must be streamed from the original store one instance at a time, never gathered first.
/// </summary>
[Collection(AllocationMeasurement.Name)]
public sealed class WadoStreamingTests
{
    private const int InstanceCount = 300;
    private const int Rows = 256;
    private const int Columns = 256;
    private const string Study = "2.25.4242";
    private static readonly Tenant Hospital = new()
    {
        Id = TenantId.Parse("hosp-a"),
        Name = "A",
        Mappings = [TenantMapping.EntraAppRole("tid-a", "Hospital.hosp-a")],
    };

    [Fact]
    public async Task A_study_of_hundreds_of_instances_is_streamed_one_original_at_a_time_without_holding_the_study()
    {
        var originals = new CountingOriginalStore();
        var index = new InMemoryDicomIndex();
        long studyBytes = 0;
        long firstInstanceBytes = 0;
        for (var i = 1; i <= InstanceCount; i++)
        {
            var bytes = Instance(i);
            var stored = await originals.PutAsync(Hospital.Id, new MemoryStream(bytes), CancellationToken.None);
            var attributes = DicomInstanceAttributes.From(DicomReader.Read(bytes))!;
            await index.AddAsync(new DicomIndexEntry(Hospital.Id, "study-4242", stored.Sha256, stored.Length, attributes), CancellationToken.None);
            studyBytes += bytes.Length;
            firstInstanceBytes = i == 1 ? bytes.Length : firstInstanceBytes;
        }

        await using var services = new ServiceCollection()
            .AddSingleton<ITenantDirectory>(new InMemoryTenantDirectory(Hospital))
            .AddSingleton<IAuditSink>(new InMemoryAuditSink())
            .AddSingleton<IOriginalStore>(originals)
            .AddSingleton<IDicomIndex>(index)
            .AddSingleton<DicomWebQueries>()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddProblemDetails()
            .BuildServiceProvider();
        var body = new ObservingBody(originals, firstInstanceBytes);
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "GET";
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("vnch.test");
        http.Request.Path = $"/api/v1/dicomweb/studies/{Study}";
        http.Request.RouteValues["study"] = Study;
        http.Request.Headers.Accept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "viewer"), new Claim("roles", Roles.StudiesRead), new Claim("tid", "tid-a"), new Claim("roles", "Hospital.hosp-a")], "Bearer"));
        http.Response.Body = body;
        var route = ApiRoutes.All.Single(r => r.Name == "dicomweb-retrieve-study");

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var result = await ApiPipeline.ExecuteAsync(route, http);
        await result.ExecuteAsync(http);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
        Assert.StartsWith("multipart/related; type=\"application/dicom\"", http.Response.ContentType, StringComparison.Ordinal);
        // Every original was opened once, read to its end, and closed before the next was opened.
        Assert.Equal(InstanceCount, originals.Opened);
        Assert.Equal(1, originals.MostOpenAtOnce);
        Assert.Equal(0, originals.OpenNow);
        Assert.Equal(studyBytes, originals.BytesRead);
        Assert.True(body.Written > studyBytes, $"the body has {body.Written} bytes for {studyBytes} bytes of originals");
        // The client had the whole first instance while only the first original had been opened.
        Assert.Equal(1, body.OpenedWhenFirstInstanceWasSent);
        // A server that gathered the study before answering would allocate at least its size.
        Assert.True(allocated < studyBytes / 8, $"retrieving {studyBytes:N0} bytes of originals allocated {allocated:N0} bytes");
    }

    /// <summary>One 256 × 256 16-bit CT slice of the study (128 KiB of pixels).</summary>
    private static byte[] Instance(int number)
    {
        var pixels = new byte[Rows * Columns * 2];
        new Random(number).NextBytes(pixels);
        var dataset = DicomIndexContractTests.Dataset(Study, Study + ".1", $"{Study}.1.{number}", "Nguyễn^Văn An", "P-4242", "20240105", "103000",
                "CT", 1, number, "ACC-4242", "Trần^Bảo", "1.2.840.10008.5.1.4.1.1.2")
            .Add(DicomTags.SamplesPerPixel, 1)
            .Add(DicomTags.PhotometricInterpretation, "MONOCHROME2")
            .Add(DicomTags.Rows, Rows)
            .Add(DicomTags.Columns, Columns)
            .Add(DicomTags.BitsAllocated, 16)
            .Add(DicomTags.BitsStored, 12)
            .Add(DicomTags.HighBit, 11)
            .Add(DicomTags.PixelRepresentation, 0)
            .Add(DicomTags.PixelData, DicomVR.OW, pixels);
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, dataset);
        return stream.ToArray();
    }

    /// <summary>The original store, counting what is open and what was read.</summary>
    private sealed class CountingOriginalStore : IOriginalStore
    {
        private readonly InMemoryOriginalStore inner = new();
        private int openNow;

        public int Opened { get; private set; }

        public int OpenNow => openNow;

        public int MostOpenAtOnce { get; private set; }

        public long BytesRead { get; set; }

        public Task<StoredOriginal> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken) => inner.PutAsync(tenant, content, cancellationToken);

        public Task<bool> ExistsAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) => inner.ExistsAsync(tenant, sha256, cancellationToken);

        public async Task<Stream> OpenAsync(TenantId tenant, string sha256, CancellationToken cancellationToken)
        {
            var stream = await inner.OpenAsync(tenant, sha256, cancellationToken);
            Opened++;
            MostOpenAtOnce = Math.Max(MostOpenAtOnce, Interlocked.Increment(ref openNow));
            return new CountingStream(stream, this);
        }

        private sealed class CountingStream(Stream inner, CountingOriginalStore store) : Stream
        {
            private bool closed;

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => inner.Length;

            public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

            public override int Read(byte[] buffer, int offset, int count) => Counted(inner.Read(buffer, offset, count));

            public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
                Counted(await inner.ReadAsync(buffer, cancellationToken));

            public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
                ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            protected override void Dispose(bool disposing)
            {
                if (!closed)
                {
                    closed = true;
                    Interlocked.Decrement(ref store.openNow);
                    inner.Dispose();
                }

                base.Dispose(disposing);
            }

            private int Counted(int read)
            {
                store.BytesRead += read;
                return read;
            }
        }
    }

    /// <summary>The client's side of the response: counts bytes, keeps none, notes what the server had opened when the first instance was through.</summary>
    private sealed class ObservingBody(CountingOriginalStore originals, long firstInstanceLength) : Stream
    {
        public long Written { get; private set; }

        public int OpenedWhenFirstInstanceWasSent { get; private set; } = -1;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Observe(count);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Observe(buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Observe(count);
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Observe(int count)
        {
            Written += count;

            // More than the first instance's worth of bytes has reached the client.
            if (OpenedWhenFirstInstanceWasSent < 0 && Written > firstInstanceLength)
            {
                OpenedWhenFirstInstanceWasSent = originals.Opened;
            }
        }
    }
}
