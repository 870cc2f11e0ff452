using VNCH.Network.Dicom.Imaging;

namespace VNCH.Network.Dicom.Tests.Imaging;

public class GrayscaleTransformTests
{
    private static double Linear255(double x, double c, double w) => VoiTransforms.Window(x, new VoiWindow(c, w), 0, 255);

    [Theory]
    // PS3.3 C.11.2.1.2.1 note: c = 2048, w = 4096 -> y = 0 for x <= 0, 255 for x > 4095, else ((x - 2047.5) / 4095 + 0.5) * 255.
    [InlineData(2048, 4096, 0, 0)]
    [InlineData(2048, 4096, 4095, 255)]
    [InlineData(2048, 4096, 4096, 255)]
    [InlineData(2048, 4096, 2047.5, 127.5)]
    [InlineData(2048, 4096, 1000, ((1000 - 2047.5) / 4095 + 0.5) * 255)]
    // c = 2048, w = 1: a threshold at 2047.5.
    [InlineData(2048, 1, 2047, 0)]
    [InlineData(2048, 1, 2047.5, 0)]
    [InlineData(2048, 1, 2048, 255)]
    // c = 0, w = 100: y = 0 for x <= -50, 255 for x > 49, else ((x + 0.5) / 99 + 0.5) * 255.
    [InlineData(0, 100, -50, 0)]
    [InlineData(0, 100, 49.5, 255)]
    [InlineData(0, 100, 10, ((10 + 0.5) / 99 + 0.5) * 255)]
    public void Linear_window_matches_the_standard_examples(double c, double w, double x, double expected)
    {
        Assert.Equal(expected, Linear255(x, c, w), 9);
    }

    [Theory]
    [InlineData(0, 0)] // c - w/2 = 0 -> ymin
    [InlineData(50, 0.25)]
    [InlineData(100, 0.5)]
    [InlineData(200, 1)]
    [InlineData(201, 1)]
    public void Linear_exact_window_is_x_minus_c_over_w(double x, double expected)
    {
        // C.11.2.1.3.2: y = ((x - c) / w + 0.5) for c - w/2 < x <= c + w/2, here c = 100, w = 200.
        Assert.Equal(expected, VoiTransforms.Window(x, new VoiWindow(100, 200, VoiLutFunction.LinearExact)), 12);
    }

    [Fact]
    public void Sigmoid_window_follows_the_logistic_formula()
    {
        // C.11.2.1.3.1: y = (ymax - ymin) / (1 + exp(-4 (x - c) / w)) + ymin.
        var window = new VoiWindow(40, 400, VoiLutFunction.Sigmoid);
        Assert.Equal(0.5, VoiTransforms.Window(40, window), 12);
        Assert.Equal(1 / (1 + Math.Exp(-4 * (240 - 40) / 400.0)), VoiTransforms.Window(240, window), 12);
        Assert.Equal(255 / (1 + Math.Exp(-4 * (-160 - 40) / 400.0)), VoiTransforms.Window(-160, window, 0, 255), 12);
    }

    [Theory]
    [InlineData("LINEAR", VoiLutFunction.Linear)]
    [InlineData("LINEAR_EXACT", VoiLutFunction.LinearExact)]
    [InlineData("SIGMOID ", VoiLutFunction.Sigmoid)]
    [InlineData(null, VoiLutFunction.Linear)]
    public void Voi_lut_function_is_parsed(string? text, VoiLutFunction expected) =>
        Assert.Equal(expected, VoiTransforms.ParseFunction(text));

    [Fact]
    public void Invalid_windows_are_recognised()
    {
        Assert.False(VoiTransforms.IsValid(new VoiWindow(0, 0.5)));
        Assert.True(VoiTransforms.IsValid(new VoiWindow(0, 0.5, VoiLutFunction.LinearExact)));
        Assert.False(VoiTransforms.IsValid(new VoiWindow(0, 0, VoiLutFunction.Sigmoid)));
        Assert.Throws<DicomPixelDataException>(() => VoiTransforms.ParseFunction("CUBIC"));
    }

    [Fact]
    public void Rescale_then_window_gives_hounsfield_display_values()
    {
        // CT: stored 1024 with intercept -1024 is water (0 HU); a 400/40 soft tissue window.
        var presentation = new ImagePresentation
        {
            RescaleSlope = 1,
            RescaleIntercept = -1024,
            Windows = [new VoiWindow(40, 400)],
        };
        using var frame = Frame([0, 1024, 1064, 4000], presentation, Photometric.Monochrome2, signed: false);
        var values = GrayscaleRenderer.ToFloat(frame);
        Assert.Equal(0f, values[0]);
        Assert.Equal((float)VoiTransforms.Window(0, new VoiWindow(40, 400)), values[1], 6);
        Assert.Equal((float)VoiTransforms.Window(40, new VoiWindow(40, 400)), values[2], 6);
        Assert.Equal(1f, values[3]);
        Assert.Equal(new byte[] { 0, (byte)Math.Round(values[1] * 255), (byte)Math.Round(values[2] * 255), 255 }, GrayscaleRenderer.ToGray8(frame));
    }

    [Fact]
    public void Modality_values_are_rescaled_without_voi()
    {
        var presentation = new ImagePresentation { RescaleSlope = 2, RescaleIntercept = -1024, Windows = [new VoiWindow(0, 10)] };
        using var frame = Frame([0, 512, 1000], presentation, Photometric.Monochrome1, signed: false);
        Assert.Equal(new[] { -1024f, 0f, 976f }, GrayscaleRenderer.ToModalityValues(frame));
    }

    [Fact]
    public void Monochrome1_is_inverted_so_that_higher_is_brighter()
    {
        var presentation = new ImagePresentation { Windows = [new VoiWindow(512, 1024, VoiLutFunction.LinearExact)] };
        using var mono1 = Frame([0, 256, 1024], presentation, Photometric.Monochrome1, signed: false);
        Assert.Equal(new[] { 1f, 0.75f, 0f }, GrayscaleRenderer.ToFloat(mono1));
        Assert.Equal(new byte[] { 255, 191, 0 }, GrayscaleRenderer.ToGray8(mono1));
        Assert.Equal(new[] { 0f, 0.25f, 1f }, GrayscaleRenderer.ToFloat(mono1, new GrayscaleRenderOptions { InvertMonochrome1 = false }));
    }

    [Fact]
    public void Modality_lut_sequence_replaces_rescale()
    {
        // 3 entries from stored value 10: 10 -> 100, 11 -> 200, 12 -> 300; below/above clamp to the ends.
        var lut = LookupTable.FromDescriptor([3, 10, 16], new ushort[] { 100, 200, 300 }, signedInput: false);
        var presentation = new ImagePresentation { ModalityLut = lut, RescaleSlope = 5 };
        Assert.Equal(100, VoiTransforms.Modality(3, presentation));
        Assert.Equal(200, VoiTransforms.Modality(11, presentation));
        Assert.Equal(300, VoiTransforms.Modality(50, presentation));

        using var frame = Frame([10, 11, 12], presentation with { Windows = [new VoiWindow(200, 201, VoiLutFunction.LinearExact)] }, Photometric.Monochrome2, signed: false);
        var values = GrayscaleRenderer.ToFloat(frame);
        Assert.Equal(((100 - 200) / 201.0) + 0.5, values[0], 6);
        Assert.Equal(0.5, values[1], 6);
    }

    [Fact]
    public void Voi_lut_sequence_is_normalised_by_its_entry_range()
    {
        // Signed first-mapped value: descriptor 0xFFFE = -2.
        var lut = LookupTable.FromDescriptor([4, 0xFFFE, 8], new ushort[] { 0, 85, 170, 255 }, signedInput: true);
        Assert.Equal(-2, lut.FirstMappedValue);
        var presentation = new ImagePresentation { VoiLuts = [lut], Windows = [new VoiWindow(0, 10)] };
        using var frame = Frame([-2, -1, 0, 1, 5], presentation, Photometric.Monochrome2, signed: true);
        var values = GrayscaleRenderer.ToFloat(frame, new GrayscaleRenderOptions { PreferVoiLut = true });
        Assert.Equal(new[] { 0f, 85 / 255f, 170 / 255f, 1f, 1f }, values);
    }

    [Fact]
    public void Without_voi_the_frame_range_or_the_full_8_bit_range_is_used()
    {
        using var wide = Frame([100, 200, 300], ImagePresentation.None, Photometric.Monochrome2, signed: false);
        Assert.Equal(new[] { 0f, 0.5f, 1f }, GrayscaleRenderer.ToFloat(wide));

        var info = new PixelImageInfo(1, 3, 1, 8, 8, 7, 0, Photometric.Monochrome2);
        var data = DicomPixelFrames.Create(info, "1.2.840.10008.1.2.1", new NativePixelDataSource(new byte[] { 0, 51, 255 }));
        using var narrow = data.DecodeFrame(0);
        Assert.Equal(new byte[] { 0, 51, 255 }, GrayscaleRenderer.ToGray8(narrow)); // identity for 8-bit images
        Assert.Equal(new[] { 0f, 0.2f, 1f }, GrayscaleRenderer.ToFloat(narrow));
    }

    [Fact]
    public void An_override_window_wins_over_the_dataset()
    {
        var presentation = new ImagePresentation { Windows = [new VoiWindow(1000, 10)] };
        using var frame = Frame([0, 50, 100], presentation, Photometric.Monochrome2, signed: false);
        var values = GrayscaleRenderer.ToFloat(frame, new GrayscaleRenderOptions { Window = new VoiWindow(50, 100, VoiLutFunction.LinearExact) });
        Assert.Equal(new[] { 0f, 0.5f, 1f }, values);
    }

    [Fact]
    public void Segmented_palette_expands_discrete_linear_and_indirect_segments()
    {
        // discrete [0, 10, 20], linear to 50 over 3 -> 30, 40, 50, indirect: repeat the first segment (offset 0, 1 segment).
        ushort[] segmented = [0, 3, 0, 10, 20, 1, 3, 50, 2, 1, 0, 0];
        var expanded = PaletteColorLut.ExpandSegmented(segmented, 9);
        Assert.Equal(new ushort[] { 0, 10, 20, 30, 40, 50, 0, 10, 20 }, expanded);

        Assert.Throws<DicomPixelDataException>(() => PaletteColorLut.ExpandSegmented([7, 1, 0], 1));
        Assert.Throws<DicomPixelDataException>(() => PaletteColorLut.ExpandSegmented([0, 2, 5, 6], 10));
        Assert.Throws<DicomPixelDataException>(() => PaletteColorLut.ExpandSegmented([2, 1, 0, 0], 10)); // indirect to itself
    }

    private static DecodedFrame Frame(int[] values, ImagePresentation presentation, string photometric, bool signed)
    {
        var info = new PixelImageInfo(1, values.Length, 1, 16, 16, 15, signed ? 1 : 0, photometric);
        var bytes = NativeDecodingTests.Words(values.Select(v => (ushort)(short)v).ToArray());
        return DicomPixelFrames.Create(info, "1.2.840.10008.1.2.1", new NativePixelDataSource(bytes), presentation).DecodeFrame(0);
    }
}
