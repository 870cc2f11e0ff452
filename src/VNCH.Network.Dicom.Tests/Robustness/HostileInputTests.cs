using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace VNCH.Network.Dicom.Tests.Robustness;

public sealed class HostileInputTests
{
    [Fact]
    public void DeeplyNestedSequenceFileIsRejectedWithOurException()
    {
        var ex = Assert.Throws<DicomLimitExceededException>(() => Corpus.Read("orthanc-tests/2026-05-06-Deeply-Nested-Sequence.dcm"));
        Assert.Contains("MaxNestingDepth", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.Tag);
        Assert.NotNull(ex.Offset);
    }

    [Fact]
    public void TheParserHasNoRecursionEvenForExtremeNesting()
    {
        // 200 000 nested undefined-length sequences: a recursive parser would overflow the stack (uncatchable in .NET).
        const int depth = 200_000;
        var bytes = NestedSequences(depth);
        var file = DicomReader.Read(bytes, new DicomReadOptions { MaxNestingDepth = int.MaxValue });
        var ds = file.Dataset;
        var levels = 0;
        while (ds.GetSequence(new DicomTag(0x00400275)) is [var item])
        {
            ds = item;
            levels++;
        }

        Assert.Equal(depth, levels);

        // With the default limit the same bytes are refused, naming the tag and offset.
        var ex = Assert.Throws<DicomLimitExceededException>(() => DicomReader.Read(bytes));
        Assert.Equal(new DicomTag(0x00400275), ex.Tag);
    }

    [Theory]
    [InlineData("pydicom/src/pydicom/data/test_files/MR_truncated.dcm")]
    [InlineData("pydicom/src/pydicom/data/test_files/rtplan_truncated.dcm")]
    public void TruncatedFilesFailWithTheOffset(string relative)
    {
        var ex = Assert.Throws<DicomFormatException>(() => Corpus.Read(relative, new DicomReadOptions { PixelDataMode = PixelDataMode.Load }));
        Assert.NotNull(ex.Offset);
        Assert.Contains("truncated", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"byte offset {ex.Offset}", ex.Message, StringComparison.Ordinal);

        // pydicom's leniency is available on request, and says what happened.
        var tolerated = Corpus.Read(relative, new DicomReadOptions { PixelDataMode = PixelDataMode.Load, TolerateTruncation = true });
        Assert.True(tolerated.IsTruncated);
        Assert.NotEmpty(tolerated.Warnings);
    }

    [Fact]
    public void CuttingAFileAnywhereGivesDataOrOurException()
    {
        var bytes = File.ReadAllBytes(Corpus.File("pydicom/src/pydicom/data/test_files/CT_small.dcm"));
        var failures = 0;
        for (var cut = 0; cut < bytes.Length; cut += 97)
        {
            try
            {
                DicomReader.Read(bytes.AsMemory(0, cut), new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
            }
            catch (DicomFormatException ex)
            {
                Assert.NotNull(ex.Offset);
                failures++;
            }
        }

        Assert.True(failures > bytes.Length / 97 / 2, "most cuts land inside a value and must be reported");
    }

    [Fact]
    public void DeflateBombStopsAtTheInflateLimit()
    {
        var bytes = DeflatedFileWithZeros(64 * 1024 * 1024);
        Assert.True(bytes.Length < 1024 * 1024, "the test input itself is small");
        var ex = Assert.Throws<DicomLimitExceededException>(() => DicomReader.Read(bytes, new DicomReadOptions { MaxInflatedBytes = 8 * 1024 * 1024, PixelDataMode = PixelDataMode.Load }));
        Assert.Contains("MaxInflatedBytes", ex.Message, StringComparison.Ordinal);

        // Within the limit the same file reads.
        var file = DicomReader.Read(bytes, new DicomReadOptions { MaxInflatedBytes = 128 * 1024 * 1024, PixelDataMode = PixelDataMode.Load });
        Assert.Equal(64 * 1024 * 1024, file.Dataset.GetRawValue(new DicomTag(0x00091010)).Length);
    }

    [Fact]
    public void HugeLengthFieldsAreBoundedByTheData()
    {
        var header = SyntheticStreams.HeaderWithPixelData(0xFFFFFFF0);
        var ex = Assert.Throws<DicomFormatException>(() => DicomReader.Read(header, new DicomReadOptions { PixelDataMode = PixelDataMode.Load }));
        Assert.Equal(DicomTags.PixelData, ex.Tag);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LongUndefinedLengthValueWithoutDelimiterFailsInLinearTime(bool nonSeekable)
    {
        // 24 MB of an undefined-length OB that is neither items nor delimited: scanning must not be quadratic.
        var head = new MemoryStream();
        DicomWriter.Write(head, new DicomDataset().Add(DicomTags.SOPClassUID, "1.2.3").Add(DicomTags.SOPInstanceUID, "1.2.3.4"));
        head.Write([0x09, 0x00, 0x10, 0x10, (byte)'O', (byte)'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF]);
        head.Write(new byte[24 * 1024 * 1024]);
        var bytes = head.ToArray();
        Stream stream = nonSeekable ? new SyntheticStreams.NonSeekable(new MemoryStream(bytes)) : new MemoryStream(bytes);
        var ex = Assert.Throws<DicomFormatException>(() => DicomReader.Read(stream));
        Assert.Equal(new DicomTag(0x00091010), ex.Tag);

        // The same value with its delimiter at the very end is read whole.
        var delimited = bytes.Concat(new byte[] { 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0 }).ToArray();
        Stream again = nonSeekable ? new SyntheticStreams.NonSeekable(new MemoryStream(delimited)) : new MemoryStream(delimited);
        Assert.Equal(24 * 1024 * 1024, DicomReader.Read(again).Dataset.GetRawValue(new DicomTag(0x00091010)).Length);
    }

    [Theory]
    [InlineData(0, 512, 1, 1, 16)]
    [InlineData(512, 512, 0, 1, 16)]
    [InlineData(65535, 65535, 1000, 3, 16)]
    [InlineData(46341, 46341, 1, 1, 8)]
    [InlineData(512, 512, 1, 2, 16)]
    [InlineData(512, 512, 1, 1, 12)]
    public void AbsurdImageGeometryIsRejectedBeforeAllocation(int rows, int columns, int frames, int samples, int bits) =>
        Assert.Throws<DicomFormatException>(() => PixelDataLimits.CheckFrameGeometry(rows, columns, frames, samples, bits, maxFrameBytes: 1L << 30, maxTotalBytes: 1L << 31));

    [Fact]
    public void SensibleImageGeometryGivesTheFrameSize() =>
        Assert.Equal(512L * 512 * 3, PixelDataLimits.CheckFrameGeometry(512, 512, 10, 3, 8));

    private static byte[] NestedSequences(int depth)
    {
        using var stream = new MemoryStream();
        var meta = new DicomDataset().Add(DicomTags.SOPClassUID, "1.2.3").Add(DicomTags.SOPInstanceUID, "1.2.3.4");
        DicomWriter.Write(stream, meta);
        Span<byte> sq = [0x40, 0x00, 0x75, 0x02, (byte)'S', (byte)'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        Span<byte> item = [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF];
        Span<byte> itemEnd = [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0];
        Span<byte> seqEnd = [0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0];
        for (var i = 0; i < depth; i++)
        {
            stream.Write(sq);
            stream.Write(item);
        }

        for (var i = 0; i < depth; i++)
        {
            stream.Write(itemEnd);
            stream.Write(seqEnd);
        }

        return stream.ToArray();
    }

    private static byte[] DeflatedFileWithZeros(int zeros)
    {
        using var output = new MemoryStream();
        var meta = new DicomDataset().Add(DicomTags.SOPClassUID, "1.2.3").Add(DicomTags.SOPInstanceUID, "1.2.3.4");
        using (var plain = new MemoryStream())
        {
            DicomWriter.Write(plain, meta);
            var bytes = plain.ToArray();

            // Patch the transfer syntax to deflated (same length: "1.2.840.10008.1.2.1" → "1.2.840.10008.1.2.1.99" needs 2 more bytes, so rewrite the meta).
            var ts = Encoding.ASCII.GetBytes("1.2.840.10008.1.2.1\0");
            var at = bytes.AsSpan().IndexOf(ts);
            var deflatedTs = Encoding.ASCII.GetBytes("1.2.840.10008.1.2.1.99");
            var metaLengthAt = 132 + 8;
            var newMeta = new MemoryStream();
            newMeta.Write(bytes, 0, at - 2);
            newMeta.Write(BitConverter.GetBytes((ushort)deflatedTs.Length));
            newMeta.Write(deflatedTs);
            var metaEnd = 132 + 12 + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(metaLengthAt));
            newMeta.Write(bytes, at + ts.Length, metaEnd - at - ts.Length);
            var head = newMeta.ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(metaLengthAt), (uint)(head.Length - 132 - 12));
            output.Write(head);
        }

        using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            Span<byte> header = [0x09, 0x00, 0x10, 0x10, (byte)'O', (byte)'B', 0, 0, 0, 0, 0, 0];
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)zeros);
            deflate.Write(header);
            var chunk = new byte[1024 * 1024];
            for (var written = 0; written < zeros; written += chunk.Length)
            {
                deflate.Write(chunk, 0, Math.Min(chunk.Length, zeros - written));
            }
        }

        return output.ToArray();
    }
}
