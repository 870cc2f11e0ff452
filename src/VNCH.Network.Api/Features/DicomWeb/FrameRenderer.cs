using System.Globalization;
using System.Runtime.InteropServices;
using SkiaSharp;
using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Imaging;

namespace VNCH.Network.Api.Features.DicomWeb;

/// <summary>The rendered-resource parameters of PS3.18 8.3.5.1: window, viewport (with an optional source region), quality.</summary>
public sealed record RenderParameters(VoiWindow? Window, int? ViewportWidth, int? ViewportHeight, SKRectI? Source, int Quality, bool Png)
{
    public const int DefaultQuality = 90;

    /// <summary>Parses the query; <paramref name="error"/> is set instead when a parameter is malformed.</summary>
    public static RenderParameters? Parse(IReadOnlyDictionary<string, string> query, bool png, out string? error)
    {
        error = null;
        VoiWindow? window = null;
        if (query.TryGetValue("window", out var w))
        {
            var parts = w.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length is < 2 or > 3 || !TryNumber(parts[0], out var center) || !TryNumber(parts[1], out var width) || width <= 0)
            {
                error = "window must be center,width[,function] with a positive width.";
                return null;
            }

            var function = parts.Length == 3 ? parts[2].ToLowerInvariant() switch
            {
                "linear" => VoiLutFunction.Linear,
                "linear-exact" => VoiLutFunction.LinearExact,
                "sigmoid" => VoiLutFunction.Sigmoid,
                _ => (VoiLutFunction?)null,
            } : VoiLutFunction.Linear;
            if (function is null)
            {
                error = "window function must be linear, linear-exact or sigmoid.";
                return null;
            }

            window = new VoiWindow(center, width, function.Value);
        }

        int? vw = null, vh = null;
        SKRectI? source = null;
        if (query.TryGetValue("viewport", out var v))
        {
            var parts = v.Split(',', StringSplitOptions.TrimEntries);
            var numbers = parts.Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1).ToArray();
            if (parts.Length is not (2 or 6) || numbers.Any(n => n < 0) || numbers[0] is 0 or > 8192 || numbers[1] is 0 or > 8192
                || (parts.Length == 6 && (numbers[4] == 0 || numbers[5] == 0)))
            {
                error = "viewport must be vw,vh or vw,vh,sx,sy,sw,sh with positive sizes up to 8192 (flipping is not supported).";
                return null;
            }

            (vw, vh) = (numbers[0], numbers[1]);
            if (parts.Length == 6)
            {
                source = SKRectI.Create(numbers[2], numbers[3], numbers[4], numbers[5]);
            }
        }

        var quality = DefaultQuality;
        if (query.TryGetValue("quality", out var q) && (!int.TryParse(q, NumberStyles.None, CultureInfo.InvariantCulture, out quality) || quality is < 1 or > 100))
        {
            error = "quality must be an integer from 1 to 100.";
            return null;
        }

        return new RenderParameters(window, vw, vh, source, quality, png);
    }

    private static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
}

/// <summary>
/// Renders one frame for /rendered: our DICOM library decodes it and applies modality LUT, VOI (the requested
/// window, else the instance's) and MONOCHROME1 inversion (ADR 0022); colour goes to RGB; SkiaSharp crops, scales to
/// fit the viewport keeping the aspect ratio, and encodes JPEG or PNG.
/// </summary>
public static class FrameRenderer
{
    public static byte[] Render(DicomFile file, Stream source, int frameIndex, RenderParameters parameters)
    {
        var frames = DicomPixelFrames.FromFile(file, source);
        if (frameIndex >= frames.FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(frameIndex), $"The instance has {frames.FrameCount} frame(s).");
        }

        using var frame = frames.DecodeFrame(frameIndex);
        var grayscale = frame.SamplesPerPixel == 1 && frame.PhotometricInterpretation != Photometric.PaletteColor;
        using var bitmap = grayscale ? Gray(frame, parameters.Window) : Colour(frame);
        using var cropped = Crop(bitmap, parameters.Source);
        using var scaled = Scale(cropped ?? bitmap, parameters.ViewportWidth, parameters.ViewportHeight);
        using var image = SKImage.FromBitmap(scaled ?? cropped ?? bitmap);
        using var data = image.Encode(parameters.Png ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, parameters.Quality);
        return data.ToArray();
    }

    private static SKBitmap Gray(DecodedFrame frame, VoiWindow? window)
    {
        var gray = GrayscaleRenderer.ToGray8(frame, new GrayscaleRenderOptions { Window = window });
        var bitmap = new SKBitmap(new SKImageInfo(frame.Columns, frame.Rows, SKColorType.Gray8, SKAlphaType.Opaque));
        CopyRows(gray, frame.Columns, bitmap);
        return bitmap;
    }

    private static SKBitmap Colour(DecodedFrame frame)
    {
        var rgb = ColorConverter.ToRgb24(frame);
        var rgba = new byte[frame.Rows * frame.Columns * 4];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }

        var bitmap = new SKBitmap(new SKImageInfo(frame.Columns, frame.Rows, SKColorType.Rgba8888, SKAlphaType.Opaque));
        CopyRows(rgba, frame.Columns * 4, bitmap);
        return bitmap;
    }

    private static void CopyRows(byte[] pixels, int rowBytes, SKBitmap bitmap)
    {
        var destination = bitmap.GetPixels();
        for (var y = 0; y < bitmap.Height; y++)
        {
            Marshal.Copy(pixels, y * rowBytes, destination + (y * bitmap.RowBytes), rowBytes);
        }
    }

    private static SKBitmap? Crop(SKBitmap bitmap, SKRectI? source)
    {
        if (source is not { } region)
        {
            return null;
        }

        region.Intersect(new SKRectI(0, 0, bitmap.Width, bitmap.Height));
        if (region.IsEmpty)
        {
            throw new ArgumentOutOfRangeException(nameof(source), "The viewport's source region lies outside the image.");
        }

        var cropped = new SKBitmap(new SKImageInfo(region.Width, region.Height, bitmap.ColorType, SKAlphaType.Opaque));
        return bitmap.ExtractSubset(cropped, region) ? cropped : throw new InvalidOperationException("The source region could not be extracted.");
    }

    /// <summary>Fits the image inside vw × vh keeping its aspect ratio (PS3.18 8.3.5.1.3).</summary>
    private static SKBitmap? Scale(SKBitmap bitmap, int? viewportWidth, int? viewportHeight)
    {
        if (viewportWidth is not { } vw || viewportHeight is not { } vh)
        {
            return null;
        }

        var scale = Math.Min((double)vw / bitmap.Width, (double)vh / bitmap.Height);
        var width = Math.Max(1, (int)Math.Round(bitmap.Width * scale));
        var height = Math.Max(1, (int)Math.Round(bitmap.Height * scale));
        return bitmap.Resize(new SKImageInfo(width, height, bitmap.ColorType, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
    }
}
