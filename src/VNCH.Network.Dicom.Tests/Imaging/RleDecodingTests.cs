using System.Buffers.Binary;
using VNCH.Network.Dicom.Imaging;

namespace VNCH.Network.Dicom.Tests.Imaging;

public class RleDecodingTests
{
    private const string Rle = "1.2.840.10008.1.2.5";

    [Fact]
    public void Multi_segment_16_bit_rgb_is_reassembled_msb_first_and_interleaved()
    {
        var info = new PixelImageInfo(2, 3, 3, 16, 16, 15, 0, Photometric.Rgb, PlanarConfiguration: 1);
        var pixels = Enumerable.Range(0, 6 * 3).Select(i => (ushort)((i * 4099) + 7)).ToArray(); // interleaved R G B
        var frame = EncodeFrame(info, pixels.Select(v => (uint)v).ToArray());
        var data = DicomPixelFrames.Create(info, Rle, new EncapsulatedPixelDataSource([frame], []));
        using var decoded = data.DecodeFrame(0);
        Assert.Equal(pixels, decoded.Samples<ushort>().ToArray());
    }

    [Fact]
    public void Replicate_runs_and_literal_runs_are_expanded()
    {
        var info = new PixelImageInfo(1, 10, 1, 8, 8, 7, 0, Photometric.Monochrome2);
        // Segment: replicate 7 x 0x05 (-6), literal 3 bytes (2) 1 2 3, then a -128 no-op.
        byte[] segment = [0xFA, 0x05, 0x02, 1, 2, 3, 0x80, 0x00];
        var frame = Frame([segment]);
        using var decoded = DicomPixelFrames.Create(info, Rle, new EncapsulatedPixelDataSource([frame], [])).DecodeFrame(0);
        Assert.Equal(new byte[] { 5, 5, 5, 5, 5, 5, 5, 1, 2, 3 }, decoded.Samples<byte>().ToArray());
    }

    [Fact]
    public void Multi_frame_without_offset_table_is_split_on_rle_headers()
    {
        var info = new PixelImageInfo(2, 2, 1, 8, 8, 7, 0, Photometric.Monochrome2, NumberOfFrames: 2);
        var frame0 = EncodeFrame(info, [1, 2, 3, 4]);
        var frame1 = EncodeFrame(info, [5, 6, 7, 8]);

        // Frame 0 in two fragments (header + start, rest), frame 1 in one: 3 fragments for 2 frames, empty BOT.
        var source = new EncapsulatedPixelDataSource([frame0[..66], frame0[66..], frame1], []);
        var data = DicomPixelFrames.Create(info, Rle, source);
        using var second = data.DecodeFrame(1);
        Assert.Equal(new byte[] { 5, 6, 7, 8 }, second.Samples<byte>().ToArray());
        using var first = data.DecodeFrame(0);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, first.Samples<byte>().ToArray());

        // The same with a Basic Offset Table: offsets count item headers (8 bytes per fragment).
        var withBot = new EncapsulatedPixelDataSource([frame0[..66], frame0[66..], frame1], [0u, (uint)(8 + 66 + 8 + frame0.Length - 66)]);
        using var viaBot = DicomPixelFrames.Create(info, Rle, withBot).DecodeFrame(1);
        Assert.Equal(new byte[] { 5, 6, 7, 8 }, viaBot.Samples<byte>().ToArray());
    }

    [Fact]
    public void A_short_segment_is_a_clear_error_naming_the_frame()
    {
        var info = new PixelImageInfo(4, 4, 1, 8, 8, 7, 0, Photometric.Monochrome2);
        var frame = Frame([[0x02, 1, 2, 3]]); // 3 of 16 bytes
        var data = DicomPixelFrames.Create(info, Rle, new EncapsulatedPixelDataSource([frame], []));
        var error = Assert.Throws<DicomPixelDataException>(() => data.DecodeFrame(0));
        Assert.Contains("frame 0", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated or corrupt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_segment_count_or_offset_is_rejected()
    {
        var info = new PixelImageInfo(2, 2, 1, 16, 16, 15, 0, Photometric.Monochrome2);
        var oneSegment = Frame([[0x03, 1, 2, 3, 4]]);
        Assert.Throws<DicomPixelDataException>(() => DicomPixelFrames.Create(info, Rle, new EncapsulatedPixelDataSource([oneSegment], [])).DecodeFrame(0));

        var badOffset = Frame([[0x03, 1, 2, 3, 4], [0x03, 1, 2, 3, 4]]);
        BinaryPrimitives.WriteUInt32LittleEndian(badOffset.AsSpan(8), 100_000);
        Assert.Throws<DicomPixelDataException>(() => DicomPixelFrames.Create(info, Rle, new EncapsulatedPixelDataSource([badOffset], [])).DecodeFrame(0));
    }

    [Fact]
    public void A_frame_too_small_for_the_declared_image_is_refused_before_allocating()
    {
        var info = new PixelImageInfo(8000, 8000, 1, 16, 16, 15, 0, Photometric.Monochrome2);
        var data = DicomPixelFrames.Create(info, Rle, new EncapsulatedPixelDataSource([Frame([[0x00, 1], [0x00, 1]])], []));
        var error = Assert.Throws<DicomPixelDataException>(() => data.DecodeFrame(0));
        Assert.Contains("cannot hold", error.Message, StringComparison.Ordinal);
    }

    /// <summary>RLE-encodes interleaved samples with literal runs only (enough to exercise the decoder's layout).</summary>
    internal static byte[] EncodeFrame(PixelImageInfo info, uint[] interleaved)
    {
        var bytesPerSample = info.BitsAllocated / 8;
        var segments = new List<byte[]>();
        for (var s = 0; s < info.SamplesPerPixel; s++)
        {
            for (var b = bytesPerSample - 1; b >= 0; b--)
            {
                var plane = new List<byte>();
                for (var p = 0; p < info.PixelsPerFrame; p++)
                {
                    plane.Add((byte)(interleaved[(p * info.SamplesPerPixel) + s] >> (8 * b)));
                }

                var encoded = new List<byte>();
                foreach (var chunk in plane.Chunk(128))
                {
                    encoded.Add((byte)(chunk.Length - 1));
                    encoded.AddRange(chunk);
                }

                segments.Add([.. encoded]);
            }
        }

        return Frame(segments);
    }

    private static byte[] Frame(IReadOnlyList<byte[]> segments)
    {
        var header = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)segments.Count);
        var offset = 64;
        var body = new List<byte>();
        for (var i = 0; i < segments.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4 + (4 * i)), (uint)offset);
            var segment = segments[i].Length % 2 == 1 ? [.. segments[i], 0] : segments[i];
            body.AddRange(segment);
            offset += segment.Length;
        }

        return [.. header, .. body];
    }
}
