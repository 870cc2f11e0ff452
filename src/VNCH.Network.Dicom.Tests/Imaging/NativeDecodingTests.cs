using System.Buffers.Binary;
using VNCH.Network.Dicom.Imaging;

namespace VNCH.Network.Dicom.Tests.Imaging;

public class NativeDecodingTests
{
    private const string ExplicitLittle = "1.2.840.10008.1.2.1";
    private const string ExplicitBig = "1.2.840.10008.1.2.2";

    private static DicomPixelFrames Native(PixelImageInfo info, byte[] data, bool bigEndian = false, PixelDecodingLimits? limits = null) =>
        DicomPixelFrames.Create(info, bigEndian ? ExplicitBig : ExplicitLittle, new NativePixelDataSource(data, bigEndian), limits: limits);

    private static PixelImageInfo Mono(int rows, int cols, int allocated, int stored, int signed, int frames = 1, int? highBit = null, string photometric = Photometric.Monochrome2) =>
        new(rows, cols, 1, allocated, stored, highBit ?? stored - 1, signed, photometric, 0, frames);

    [Fact]
    public void Eight_bit_unsigned_samples_are_copied_as_stored()
    {
        byte[] data = [0, 1, 127, 128, 255, 42];
        using var frame = Native(Mono(2, 3, 8, 8, 0), data).DecodeFrame(0);
        Assert.Equal(PixelSampleType.UInt8, frame.SampleType);
        Assert.Equal(data, frame.Samples<byte>().ToArray());
    }

    [Fact]
    public void Signed_12_bit_in_16_is_masked_and_sign_extended_from_the_high_bit()
    {
        // 0xF800 has junk (an overlay bit) above bit 11 and a negative 12-bit value 0x800 = -2048.
        ushort[] stored = [0x0001, 0x07FF, 0x0800, 0x0FFF, 0xF800, 0x1005];
        var data = Words(stored);
        using var frame = Native(Mono(1, 6, 16, 12, 1), data).DecodeFrame(0);
        Assert.Equal(PixelSampleType.Int16, frame.SampleType);
        Assert.Equal(new short[] { 1, 2047, -2048, -1, -2048, 5 }, frame.Samples<short>().ToArray());
    }

    [Fact]
    public void Unsigned_12_bit_drops_bits_above_the_high_bit()
    {
        using var frame = Native(Mono(1, 3, 16, 12, 0), Words([0x1FFF, 0xF123, 0x0456])).DecodeFrame(0);
        Assert.Equal(new ushort[] { 0x0FFF, 0x0123, 0x0456 }, frame.Samples<ushort>().ToArray());
    }

    [Fact]
    public void A_high_bit_above_bits_stored_minus_one_shifts_the_value_down()
    {
        // Bits stored 12 at bits 4..15 (high bit 15): the value is the top 12 bits.
        using var frame = Native(Mono(1, 2, 16, 12, 0, highBit: 15), Words([0xABC0, 0x0010])).DecodeFrame(0);
        Assert.Equal(new ushort[] { 0x0ABC, 0x0001 }, frame.Samples<ushort>().ToArray());
    }

    [Fact]
    public void Vectorised_and_scalar_paths_agree_on_long_rows()
    {
        var values = Enumerable.Range(0, 1000).Select(i => (ushort)((i * 977) & 0xFFFF)).ToArray();
        using var frame = Native(Mono(1, values.Length, 16, 10, 1), Words(values)).DecodeFrame(0);
        var expected = values.Select(v => (short)((short)(v << 6) >> 6)).ToArray();
        Assert.Equal(expected, frame.Samples<short>().ToArray());
    }

    [Fact]
    public void Thirty_two_bit_signed_and_float_samples_are_typed()
    {
        var ints = new byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(ints, -5);
        BinaryPrimitives.WriteInt32LittleEndian(ints.AsSpan(4), 70000);
        using (var frame = Native(Mono(1, 2, 32, 32, 1), ints).DecodeFrame(0))
        {
            Assert.Equal(new[] { -5, 70000 }, frame.Samples<int>().ToArray());
        }

        var floats = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(floats, 1.5f);
        BinaryPrimitives.WriteSingleLittleEndian(floats.AsSpan(4), -2.25f);
        var info = Mono(1, 2, 32, 32, 0) with { IsFloat = true };
        using var floatFrame = Native(info, floats).DecodeFrame(0);
        Assert.Equal(new[] { 1.5f, -2.25f }, floatFrame.Samples<float>().ToArray());
    }

    [Fact]
    public void Big_endian_words_are_swapped()
    {
        byte[] data = [0x01, 0x02, 0xFF, 0xFE];
        using var frame = Native(Mono(1, 2, 16, 16, 1), data, bigEndian: true).DecodeFrame(0);
        Assert.Equal(new short[] { 0x0102, -2 }, frame.Samples<short>().ToArray());
    }

    [Fact]
    public void One_bit_frames_unpack_lsb_first_and_need_not_be_byte_aligned()
    {
        // 3 frames of 3x1 pixels = 9 bits: frame 1 starts at bit 3, frame 2 at bit 6 and crosses into byte 1.
        // Pixels: frame0 = 1,0,1  frame1 = 1,1,0  frame2 = 0,1,1 -> bits (LSB first) 101 110 011
        byte[] data = [0b1001_1101, 0b0000_0001];
        var pixels = Native(Mono(1, 3, 1, 1, 0, frames: 3), data);
        int[][] expected = [[1, 0, 1], [1, 1, 0], [0, 1, 1]];
        for (var f = 0; f < 3; f++)
        {
            using var frame = pixels.DecodeFrame(f);
            Assert.Equal(expected[f].Select(v => (byte)v).ToArray(), frame.Samples<byte>().ToArray());
        }
    }

    [Fact]
    public void Planar_configuration_1_is_interleaved()
    {
        var info = new PixelImageInfo(1, 2, 3, 8, 8, 7, 0, Photometric.Rgb, PlanarConfiguration: 1);
        byte[] planes = [10, 11, 20, 21, 30, 31]; // RR GG BB
        using var frame = Native(info, planes).DecodeFrame(0);
        Assert.Equal(new byte[] { 10, 20, 30, 11, 21, 31 }, frame.Samples<byte>().ToArray());
    }

    [Fact]
    public void Planar_configuration_1_with_16_bit_samples_is_interleaved()
    {
        var info = new PixelImageInfo(1, 2, 3, 16, 16, 15, 0, Photometric.Rgb, PlanarConfiguration: 1);
        using var frame = Native(info, Words([1000, 1001, 2000, 2001, 3000, 3001])).DecodeFrame(0);
        Assert.Equal(new ushort[] { 1000, 2000, 3000, 1001, 2001, 3001 }, frame.Samples<ushort>().ToArray());
    }

    [Fact]
    public void Ybr_full_422_is_upsampled_to_full_chroma()
    {
        var info = new PixelImageInfo(1, 4, 3, 8, 8, 7, 0, Photometric.YbrFull422);
        byte[] data = [1, 2, 100, 200, 3, 4, 110, 210]; // Y1 Y2 Cb Cr, Y3 Y4 Cb Cr
        using var frame = Native(info, data).DecodeFrame(0);
        Assert.Equal(Photometric.YbrFull, frame.PhotometricInterpretation);
        Assert.Equal(new byte[] { 1, 100, 200, 2, 100, 200, 3, 110, 210, 4, 110, 210 }, frame.Samples<byte>().ToArray());
    }

    [Fact]
    public void Frame_n_is_read_at_its_own_offset()
    {
        var data = Enumerable.Range(0, 3 * 4).Select(i => (byte)i).ToArray();
        var pixels = Native(Mono(2, 2, 8, 8, 0, frames: 3), data);
        Assert.Equal(3, pixels.FrameCount);
        using var frame = pixels.DecodeFrame(2);
        Assert.Equal(new byte[] { 8, 9, 10, 11 }, frame.Samples<byte>().ToArray());
    }

    [Fact]
    public void Truncated_pixel_data_names_the_frame()
    {
        var pixels = Native(Mono(2, 2, 16, 16, 0, frames: 2), new byte[12]); // frame 1 needs bytes 8..16
        using (pixels.DecodeFrame(0))
        {
        }

        var error = Assert.Throws<DicomPixelDataException>(() => pixels.DecodeFrame(1));
        Assert.Equal(1, error.FrameIndex);
        Assert.Contains("frame 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<DicomException>(error);
    }

    [Fact]
    public void Hostile_dimensions_are_refused_before_allocating()
    {
        // 65535 x 65535 x 16 bits = 8 GiB per frame, announced by a 256-byte element (orthanc's oob-monochrome case).
        var error = Assert.ThrowsAny<DicomException>(() => Native(Mono(65535, 65535, 16, 16, 0), new byte[256]));
        Assert.Contains("above the limit", error.Message, StringComparison.Ordinal);

        var frames = Assert.ThrowsAny<DicomException>(() => Native(Mono(512, 512, 16, 16, 0, frames: 100_000), new byte[256]));
        Assert.Contains("100000 frames", frames.Message, StringComparison.Ordinal);

        // 1-bit frames are checked at their decoded size (one byte per pixel).
        var limits = new PixelDecodingLimits { MaxDecodedFrameBytes = 1000 };
        Assert.ThrowsAny<DicomException>(() => Native(Mono(100, 100, 1, 1, 0), new byte[10000], limits: limits));
    }

    [Theory]
    [InlineData(0, 10, 8, 8, 7)]
    [InlineData(10, 10, 12, 8, 7)]
    [InlineData(10, 10, 16, 17, 16)]
    [InlineData(10, 10, 16, 12, 10)]
    public void Incoherent_attributes_are_refused(int rows, int cols, int allocated, int stored, int highBit)
    {
        var info = new PixelImageInfo(rows, cols, 1, allocated, stored, highBit, 0, Photometric.Monochrome2);
        Assert.ThrowsAny<DicomException>(() => Native(info, new byte[1000]));
    }

    [Fact]
    public void Frame_index_out_of_range_is_an_argument_error()
    {
        var pixels = Native(Mono(1, 1, 8, 8, 0), [1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => pixels.DecodeFrame(1));
    }

    [Theory]
    [InlineData("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)")]
    [InlineData("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression")]
    [InlineData("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)")]
    [InlineData("1.2.3.4.5", "unknown transfer syntax")]
    public void Syntaxes_without_a_decoder_raise_unsupported_transfer_syntax(string uid, string name)
    {
        var source = new EncapsulatedPixelDataSource([new byte[] { 0xFF, 0x4F }], []);
        var error = Assert.Throws<UnsupportedTransferSyntaxException>(() => DicomPixelFrames.Create(Mono(8, 8, 16, 16, 0), uid, source));
        Assert.Equal($"unsupported transfer syntax {uid} ({name})", error.Message);
        Assert.Equal(uid, error.TransferSyntaxUid);
        Assert.False(PixelTransferSyntaxes.IsDecodable(uid));
    }

    internal static byte[] Words(ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }

        return bytes;
    }
}
