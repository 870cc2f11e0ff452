using VNCH.Network.Dicom.Imaging;

namespace VNCH.Network.Dicom.Tests.Imaging;

public class ColorConversionTests
{
    private static DecodedFrame Decode(PixelImageInfo info, byte[] data, ImagePresentation? presentation = null) =>
        DicomPixelFrames.Create(info, "1.2.840.10008.1.2.1", new NativePixelDataSource(data), presentation).DecodeFrame(0);

    [Fact]
    public void Ybr_full_converts_with_the_standard_equations()
    {
        // PS3.3 C.7.6.3.1.2 (YBR_FULL): R = Y + 1.402 (Cr - 128), G = Y - 0.344136 (Cb - 128) - 0.714136 (Cr - 128), B = Y + 1.772 (Cb - 128).
        byte[] ybr = [128, 128, 128, 76, 85, 255, 150, 44, 21, 29, 255, 107, 200, 100, 180];
        var info = new PixelImageInfo(1, 5, 3, 8, 8, 7, 0, Photometric.YbrFull);
        using var frame = Decode(info, ybr);
        var rgb = ColorConverter.ToRgb24(frame);
        for (var p = 0; p < 5; p++)
        {
            double y = ybr[3 * p], cb = ybr[(3 * p) + 1] - 128, cr = ybr[(3 * p) + 2] - 128;
            double[] expected = [y + (1.402 * cr), y - (0.344136 * cb) - (0.714136 * cr), y + (1.772 * cb)];
            for (var c = 0; c < 3; c++)
            {
                Assert.InRange(rgb[(3 * p) + c], Math.Clamp(expected[c], 0, 255) - 1, Math.Clamp(expected[c], 0, 255) + 1);
            }
        }

        Assert.Equal(new byte[] { 128, 128, 128 }, rgb[..3]);
    }

    [Fact]
    public void Ybr_full_422_native_data_converts_after_upsampling()
    {
        var info = new PixelImageInfo(1, 2, 3, 8, 8, 7, 0, Photometric.YbrFull422);
        using var frame = Decode(info, [100, 200, 128, 128]);
        Assert.Equal(new byte[] { 100, 100, 100, 200, 200, 200 }, ColorConverter.ToRgb24(frame));
    }

    [Fact]
    public void Palette_color_indexes_the_lut_and_scales_16_bit_entries()
    {
        var red = new LookupTable(0, 16, [0x0000, 0xFFFF, 0x8000]);
        var green = new LookupTable(0, 16, [0x1000, 0x2000, 0x3000]);
        var blue = new LookupTable(0, 16, [0xFF00, 0x0100, 0x0000]);
        var presentation = new ImagePresentation { Palette = new PaletteColorLut(red, green, blue) };
        var info = new PixelImageInfo(1, 4, 1, 8, 8, 7, 0, Photometric.PaletteColor);
        using var frame = Decode(info, [0, 1, 2, 9], presentation);
        Assert.Equal(new byte[] { 0x00, 0x10, 0xFF, 0xFF, 0x20, 0x01, 0x80, 0x30, 0x00, 0x80, 0x30, 0x00 }, ColorConverter.ToRgb24(frame));
    }

    [Fact]
    public void Sixteen_bit_rgb_is_scaled_to_eight_bits_and_grayscale_is_replicated()
    {
        var rgbInfo = new PixelImageInfo(1, 1, 3, 16, 12, 11, 0, Photometric.Rgb);
        using var rgb = Decode(rgbInfo, NativeDecodingTests.Words([4095, 2048, 16]));
        Assert.Equal(new byte[] { 255, 128, 1 }, ColorConverter.ToRgb24(rgb));

        var grayInfo = new PixelImageInfo(1, 2, 1, 8, 8, 7, 0, Photometric.Monochrome2);
        using var gray = Decode(grayInfo, [7, 250]);
        Assert.Equal(new byte[] { 7, 7, 7, 250, 250, 250 }, ColorConverter.ToRgb24(gray));
    }

    [Fact]
    public void Colour_frames_render_to_luma_for_grayscale_consumers()
    {
        var info = new PixelImageInfo(1, 2, 3, 8, 8, 7, 0, Photometric.Rgb);
        using var frame = Decode(info, [255, 0, 0, 255, 255, 255]);
        var values = GrayscaleRenderer.ToFloat(frame);
        Assert.Equal(0.299f, values[0], 3);
        Assert.Equal(1f, values[1], 3);
    }
}
