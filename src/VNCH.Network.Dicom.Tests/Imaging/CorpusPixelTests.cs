using System.Security.Cryptography;
using System.Text.Json;
using VNCH.Network.Dicom.Imaging;
using VNCH.Network.Testing;

namespace VNCH.Network.Dicom.Tests.Imaging;

/// <summary>Real files of the shared corpus: codecs, frame access, chest X-ray rendering, hostile and corrupt input.</summary>
public class CorpusPixelTests
{
    private const string MultiFrame = "dicom/dicomParser/testImages/encapsulated/multi-frame/";

    internal static DicomPixelFrames Open(string relativePath, out Stream stream)
    {
        stream = File.OpenRead(TestData.File(relativePath));
        return DicomPixelFrames.FromFile(DicomReader.Read(stream), stream);
    }

    private static byte[] Frame(string relativePath, int index)
    {
        var pixels = Open(relativePath, out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(index))
        {
            return frame.Bytes.ToArray();
        }
    }

    private static string ReferenceHash(string relativePath)
    {
        var json = Path.Combine(TestData.Directory("dicom/reference"), relativePath["dicom/".Length..].Replace("/", "__", StringComparison.Ordinal) + ".json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(json));
        return document.RootElement.GetProperty("pixel").GetProperty("frame0").GetProperty("sha256").GetString()!;
    }

    [Theory]
    [InlineData("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.57.dcm")]
    [InlineData("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.70.dcm")]
    public void Jpeg_lossless_decodes_bit_exact(string path)
    {
        var pixels = Open(path, out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(0))
        {
            Assert.Equal(ReferenceHash(path), Convert.ToHexStringLower(SHA256.HashData(frame.Bytes)));
        }
    }

    [Fact]
    public void Jpeg_extended_12_bit_keeps_12_bit_samples()
    {
        var pixels = Open("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.51.dcm", out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(0))
        {
            var samples = frame.Samples<ushort>().ToArray();
            Assert.Equal(12, frame.Info.BitsStored);
            Assert.Equal(3970, samples.Max()); // the reference's max (GDCM/libjpeg 12-bit)
            Assert.Equal(481.4986, samples.Average(v => (double)v), 1);
        }
    }

    [Theory]
    [InlineData("CT0012.not_fragmented_bot_rle.dcm")]
    [InlineData("CT0012.not_fragmented_no_bot_rle.dcm")]
    [InlineData("CT0012.fragmented_no_bot_jpeg_lossless.57.dcm")]
    [InlineData("CT0012.fragmented_no_bot_jpeg_lossless.70.dcm")]
    public void Multi_frame_encapsulated_frames_equal_the_native_ones_with_and_without_offset_table(string variant)
    {
        for (var index = 1; index >= 0; index--)
        {
            Assert.Equal(Frame(MultiFrame + "CT0012.explicit_little_endian.dcm", index), Frame(MultiFrame + variant, index));
        }
    }

    [Theory]
    [InlineData("liver", "liver_rle")]
    [InlineData("liver", "liver_deflate")]
    [InlineData("liver", "liver_expb")]
    [InlineData("liver_nonbyte_aligned", "liver_nonbyte_aligned_rle")]
    [InlineData("liver_nonbyte_aligned", "liver_nonbyte_aligned_deflate")]
    public void One_bit_segmentations_decode_alike_in_every_encoding(string native, string encoded)
    {
        // 1-bit SEG frames, 512x512 and 510x510 (frames not byte aligned natively); RLE (1-bit segments) and
        // Deflated Image Frame Compression compress each frame on its own. pydicom 2.3.1 decodes neither.
        const string Folder = "dicom/pydicom-data/data_store/data/";
        for (var index = 0; index < 3; index++)
        {
            var expected = Frame(Folder + native + ".dcm", index);
            Assert.Equal(expected, Frame(Folder + encoded + ".dcm", index));
            Assert.Contains((byte)1, expected);
        }
    }

    [Fact]
    public void Fragmented_lossy_multi_frame_without_offset_table_is_split_on_soi_markers()
    {
        // The 12-bit lossy encoding was made with a constant offset (its values sit 1023 below the 16-bit native
        // file's, same rescale), so compare the frames with their means removed.
        var native = Centred(ModalityValues(MultiFrame + "CT0012.explicit_little_endian.dcm", 1));
        var lossy = Centred(ModalityValues(MultiFrame + "CT0012.fragmented_no_bot_jpeg_baseline.51.dcm", 1));
        var otherFrame = Centred(ModalityValues(MultiFrame + "CT0012.explicit_little_endian.dcm", 0));
        var error = native.Zip(lossy, (a, b) => Math.Abs(a - b)).Average();
        var frameDifference = native.Zip(otherFrame, (a, b) => Math.Abs(a - b)).Average();

        // Frame 1 of the lossy file is a close copy of native frame 1, much closer than frame 0 is (a wrong split fails).
        Assert.True(error < 8 && error < frameDifference / 4, $"mean |HU error| {error:F2}, frame 0 vs 1 differ by {frameDifference:F2}");
    }

    private static double[] Centred(double[] values)
    {
        var mean = values.Average();
        return values.Select(v => v - mean).ToArray();
    }

    private static double[] ModalityValues(string path, int index)
    {
        var pixels = Open(path, out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(index))
        {
            return GrayscaleRenderer.ToModalityValues(frame).Select(v => (double)v).ToArray();
        }
    }

    [Fact]
    public void Decoding_frame_n_reads_only_that_frame()
    {
        using var counting = new CountingStream(File.OpenRead(TestData.File("dicom/dicomParser/testImages/encapsulated/multi-frame/IM00001.implicit_little_endian.dcm")));
        var pixels = DicomPixelFrames.FromFile(DicomReader.Read(counting), counting);
        Assert.Equal(8, pixels.FrameCount);
        var before = counting.BytesRead;
        using var frame = pixels.DecodeFrame(5);
        var frameBytes = pixels.Info.NativeFrameBits / 8;
        Assert.Equal(frameBytes, counting.BytesRead - before);
    }

    [Fact]
    public void Monochrome1_chest_xray_renders_inverted()
    {
        var pixels = Open("dicom/fo-dicom/TestData/CR-MONO1-10-chest", out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(0))
        {
            Assert.Equal(Photometric.Monochrome1, frame.PhotometricInterpretation);
            Assert.Equal(new VoiWindow(550, 1024), pixels.Presentation.Windows.Single());
            var shown = GrayscaleRenderer.ToGray8(frame);
            var asStored = GrayscaleRenderer.ToGray8(frame, new GrayscaleRenderOptions { InvertMonochrome1 = false });
            for (var i = 0; i < shown.Length; i++)
            {
                Assert.InRange(shown[i] + asStored[i], 254, 256);
            }

            // Lungs are dark on a chest X-ray display: the image centre (lung fields) is darker than the mean of the frame.
            var centre = shown[(220 * 440) + 120];
            Assert.True(centre < shown.Average(b => (double)b), $"centre-left lung pixel {centre}");
        }
    }

    [Theory]
    [InlineData("dicom/derived_pediatric_cxr/peds_cxr_normal_IM-0101-0001_explicitLE.dcm")]
    [InlineData("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm")]
    [InlineData("dicom/derived_pediatric_cxr/peds_cxr_normal_NORMAL2-IM-0092-0001_jpegbaseline.dcm")]
    [InlineData("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm")]
    public void Pediatric_chest_xrays_render_to_their_own_8_bit_values(string path)
    {
        // Window 128/256 LINEAR maps x to ((x - 127.5) / 255 + 0.5) * 255 = x: the rendered image is the stored one.
        var pixels = Open(path, out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(0))
        {
            Assert.Equal(new VoiWindow(128, 256), pixels.Presentation.Windows.Single());
            Assert.Equal(frame.Samples<byte>().ToArray(), GrayscaleRenderer.ToGray8(frame));
            var values = GrayscaleRenderer.ToFloat(frame);
            Assert.Equal(frame.Samples<byte>()[1000] / 255f, values[1000], 5);
        }
    }

    [Fact]
    public void Enhanced_multi_frame_frames_get_their_own_window()
    {
        // Enhanced MR: each Per-Frame Functional Groups item has its own Frame VOI LUT (1518/2810, ..., 1523/2800).
        var pixels = Open("dicom/fo-dicom/TestData/MOVEKNEE.dcm", out var stream);
        using (stream)
        {
            Assert.Equal(19, pixels.FrameCount);
            Assert.Equal(new VoiWindow(1518, 2810), pixels.PresentationOf(0).Windows.Single());
            using var frame = pixels.DecodeFrame(3);
            Assert.Equal(new VoiWindow(1523, 2800), frame.Presentation.Windows.Single());
            Assert.Same(pixels.PresentationOf(3), frame.Presentation);
        }
    }

    [Theory]
    // Expected values: pydicom 2.3.1 apply_color_lut (16-bit output) shifted to 8 bits, summed over the frame; and
    // the pixel at (0, 0). ALOKA has segmented 16-bit palettes (discrete and linear segments), OBXXXX1A plain ones.
    [InlineData("gdcm-US-ALOKA-16.dcm", 27402976L, 40, 45, 65)]
    [InlineData("gdcm-US-ALOKA-16_big.dcm", 27402976L, 40, 45, 65)]
    [InlineData("OBXXXX1A.dcm", 17918415L, 37, 62, 94)]
    [InlineData("OBXXXX1A_expb.dcm", 17918415L, 37, 62, 94)]
    [InlineData("OBXXXX1A_rle.dcm", 17918415L, 37, 62, 94)]
    public void Palette_color_images_match_pydicoms_lut_application(string name, long expectedSum, int r, int g, int b)
    {
        var pixels = Open("dicom/pydicom-data/data_store/data/" + name, out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(0))
        {
            var rgb = ColorConverter.ToRgb24(frame);
            Assert.Equal(new[] { (byte)r, (byte)g, (byte)b }, rgb[..3]);
            Assert.Equal(expectedSum, rgb.Sum(v => (long)v));
        }
    }

    [Fact]
    public void Modality_lut_sequence_file_is_read_and_applied()
    {
        var pixels = Open("dicom/fo-dicom/TestData/CR-ModalitySequenceLUT.dcm", out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(0))
        {
            var lut = Assert.IsType<LookupTable>(pixels.Presentation.ModalityLut);
            var stored = frame.Samples<ushort>()[5000];
            Assert.Equal(lut[stored], VoiTransforms.Modality(stored, pixels.Presentation));
            var values = GrayscaleRenderer.ToFloat(frame);
            Assert.All(values, v => Assert.InRange(v, 0f, 1f));
        }
    }

    [Theory]
    [InlineData("dicom/orthanc-tests/2026-05-26-oob-monochrome-65535.dcm")]
    [InlineData("dicom/orthanc-tests/2026-05-26-oob-monochrome-46341.dcm")]
    public void Hostile_dimensions_are_refused_with_our_exception(string path)
    {
        using var stream = File.OpenRead(TestData.File(path));
        var file = DicomReader.Read(stream);
        var error = Assert.ThrowsAny<DicomException>(() =>
        {
            var pixels = DicomPixelFrames.FromFile(file, stream);
            using var frame = pixels.DecodeFrame(0);
        });
        Assert.Contains("above the limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_native_pixel_data_names_the_frame()
    {
        // MR_truncated.dcm: 8192 bytes declared, 8130 present. The reader refuses it by default; read tolerantly,
        // the pixel pipeline reports the frame that cannot be decoded.
        using var stream = File.OpenRead(TestData.File("dicom/pydicom/src/pydicom/data/test_files/MR_truncated.dcm"));
        var file = DicomReader.Read(stream, new DicomReadOptions { TolerateTruncation = true });
        var pixels = DicomPixelFrames.FromFile(file, stream);
        var error = Assert.Throws<DicomPixelDataException>(() => pixels.DecodeFrame(0));
        Assert.Equal(0, error.FrameIndex);
        Assert.StartsWith("frame 0: pixel data is truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jpeg_2000_is_refused_naming_the_syntax()
    {
        using var stream = File.OpenRead(TestData.File("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.90.dcm"));
        var file = DicomReader.Read(stream);
        var error = Assert.Throws<UnsupportedTransferSyntaxException>(() => DicomPixelFrames.FromFile(file, stream));
        Assert.Equal("unsupported transfer syntax 1.2.840.10008.1.2.4.90 (JPEG 2000 Image Compression (Lossless Only))", error.Message);
    }

    [Theory]
    [InlineData("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm")]
    [InlineData("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.51.dcm")]
    [InlineData("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.70.dcm")]
    [InlineData("dicom/pydicom/src/pydicom/data/test_files/MR_small_RLE.dcm")]
    public async Task Corrupt_codestreams_raise_dicom_exceptions_only(string path)
    {
        var bytes = File.ReadAllBytes(TestData.File(path));
        var file = DicomReader.Read(bytes, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        var fragments = file.PixelData!.Fragments!.Fragments.Select(f => f.Data.ToArray()).ToList();
        var info = DicomPixelFrames.ReadImageInfo(file.Dataset, file.PixelData.Tag);
        var random = new Random(20261125);
        var truncatedRejected = 0;
        for (var trial = 0; trial < 40; trial++)
        {
            var damaged = fragments.Select(f => (byte[])f.Clone()).ToList();
            var target = damaged[random.Next(damaged.Count)];
            var truncated = trial % 4 == 0;
            if (truncated)
            {
                damaged[damaged.IndexOf(target)] = target[..random.Next(target.Length)];
            }
            else
            {
                for (var k = 0; k < 1 + random.Next(16); k++)
                {
                    target[random.Next(target.Length)] = (byte)random.Next(256);
                }
            }

            var source = new EncapsulatedPixelDataSource(damaged.Select(f => PixelBytes.FromMemory(f)).ToList(), []);
            var pixels = DicomPixelFrames.Create(info, file.TransferSyntax.Uid, source);
            var decode = Task.Run(() =>
            {
                try
                {
                    using var frame = pixels.DecodeFrame(0);
                    return false;
                }
                catch (DicomException)
                {
                    // The expected outcome for damaged data (success is fine too: not every flipped byte matters).
                    return true;
                }
            });
            var rejected = await decode.WaitAsync(TimeSpan.FromSeconds(20)); // a hang fails with TimeoutException, any non-DICOM exception fails too
            if (truncated && rejected)
            {
                truncatedRejected++;
            }
        }

        // A codestream cut short has lost its end (EOI, or RLE segment bytes): a decoder that accepted all of those
        // would be hiding missing pixels.
        Assert.Equal(10, truncatedRejected);
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
