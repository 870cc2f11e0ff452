using System.IO.Compression;
using System.Text;

namespace VNCH.Network.Dicom;

/// <summary>
/// Reads DICOM Part 10 files and bare data sets. The parser is iterative (an explicit stack, no recursion) with
/// a nesting limit; every length is checked against what is left before it is used; every failure is a
/// <see cref="DicomException"/> naming the tag and byte offset. Values are slices of the file's read buffers
/// (pooled when read from a stream): dispose the <see cref="DicomFile"/> when done with its values.
/// </summary>
public static class DicomReader
{
    private const int SmallFileWholeRead = 8 * 1024 * 1024;

    public static DicomFile ReadFile(string path, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Default;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return Read(stream, options);
    }

    /// <summary>Reads from a stream positioned at the start of the file (offsets are relative to that position).</summary>
    public static DicomFile Read(Stream stream, DicomReadOptions? options = null)
    {
        options ??= DicomReadOptions.Default;
        var buffers = new DicomBufferSet();
        ByteSource source;
        if (stream is MemoryStream ms && ms.TryGetBuffer(out var segment))
        {
            var start = (int)ms.Position;
            source = new ByteSource(segment.AsMemory(start), segment.Count - start, buffers);
        }
        else
        {
            // Small files in Load mode are read in one go; otherwise a first window that usually holds all metadata.
            var first = 64 * 1024;
            if (stream.CanSeek)
            {
                var length = stream.Length - stream.Position;
                if (options.PixelDataMode == PixelDataMode.Load && length <= SmallFileWholeRead)
                {
                    first = (int)Math.Max(length, 1);
                }
                else if (length < first)
                {
                    first = (int)Math.Max(length, 1);
                }
            }

            source = new ByteSource(stream, first, buffers);
        }

        return Read(source, options);
    }

    public static DicomFile Read(ReadOnlyMemory<byte> bytes, DicomReadOptions? options = null) =>
        Read(new ByteSource(bytes, bytes.Length, new DicomBufferSet()), options ?? DicomReadOptions.Default);

    private static DicomFile Read(ByteSource source, DicomReadOptions options)
    {
        try
        {
            return ReadCore(source, options);
        }
        catch (Exception ex)
        {
            source.Buffers.Dispose(); // no file owns them: back to the pool now
            if (ex is IOException or InvalidDataException or DecoderFallbackException or OutOfMemoryException or ArgumentException or NotSupportedException)
            {
                throw new DicomFormatException($"Could not read the DICOM data: {ex.Message}", offset: source.Position, inner: ex);
            }

            throw;
        }
    }

    private static DicomFile ReadCore(ByteSource source, DicomReadOptions options)
    {
        var hasPreamble = false;
        ReadOnlyMemory<byte> preamble = default;
        if (source.TryEnsure(132) && source.Span(132)[128..].SequenceEqual("DICM"u8))
        {
            hasPreamble = true;
            preamble = source.Take(128);
            source.Advance(4);
        }
        else if (source.TryEnsure(4) && source.Span(4).SequenceEqual("DICM"u8))
        {
            source.Advance(4); // magic without preamble
        }

        if (source.IsAtEnd)
        {
            throw new DicomFormatException("The input is empty: no DICOM data set found.", offset: source.Position);
        }

        // File meta information: explicit VR little endian, group 0002 (tolerating implicit VR as pydicom does).
        var meta = new DicomDataset { };
        var metaParser = new DatasetParser(source, options, offsetsInSource: true);
        metaParser.Parse(meta, implicitVR: false, rootBigEndian: false, isMeta: true);

        TransferSyntax transferSyntax;
        var inferred = false;
        var tsText = meta.GetStringOrNull(DicomTags.TransferSyntaxUID);
        if (!string.IsNullOrEmpty(tsText))
        {
            transferSyntax = TransferSyntax.FromUid(tsText);
        }
        else
        {
            transferSyntax = InferTransferSyntax(source);
            inferred = true;
        }

        var datasetOffset = source.Position;
        var dataset = new DicomDataset(64) { IsBigEndian = transferSyntax.IsBigEndian };
        DatasetParser parser;
        if (transferSyntax.IsDeflated)
        {
            // Each inflation holds up to MaxInflatedBytes in memory: the shared slots bound how many run at once.
            options.InflationGate?.Enter();
            try
            {
                var deflated = new CountingReadStream(source.RemainderAsStream());
                var inflated = new InflateLimitStream(new DeflateStream(deflated, CompressionMode.Decompress), options.MaxInflatedBytes, options.MaxInflationRatio, deflated);
                parser = new DatasetParser(new ByteSource(inflated, 64 * 1024, source.Buffers), options, offsetsInSource: false);
                parser.Parse(dataset, transferSyntax.IsImplicitVR, transferSyntax.IsBigEndian, isMeta: false);
            }
            finally
            {
                options.InflationGate?.Exit();
            }
        }
        else
        {
            parser = new DatasetParser(source, options, offsetsInSource: true);
            parser.Parse(dataset, transferSyntax.IsImplicitVR, transferSyntax.IsBigEndian, isMeta: false);
        }

        return new DicomFile(meta, dataset, transferSyntax, source.Buffers)
        {
            HasPreamble = hasPreamble,
            Preamble = preamble,
            TransferSyntaxInferred = inferred,
            PixelData = parser.PixelData,
            DatasetOffset = datasetOffset,
            IsTruncated = metaParser.IsTruncated || parser.IsTruncated,
            Warnings = [.. metaParser.Warnings, .. parser.Warnings],
        };
    }

    /// <summary>No transfer syntax in the meta group: guess from the first element header (pydicom's rule).</summary>
    private static TransferSyntax InferTransferSyntax(ByteSource source)
    {
        if (!source.TryEnsure(6))
        {
            return TransferSyntax.ImplicitVRLittleEndian;
        }

        var group = source.PeekUInt16(0, bigEndian: false);
        var vr = DicomVRInfo.FromCode(source.PeekByte(4), source.PeekByte(5));
        if (vr == DicomVR.None)
        {
            return TransferSyntax.ImplicitVRLittleEndian;
        }

        // A big-endian group 0x0008 reads as 0x0800 in little endian.
        return group >= 1024 ? TransferSyntax.ExplicitVRBigEndian : TransferSyntax.ExplicitVRLittleEndian;
    }
}
