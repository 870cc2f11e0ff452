using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace VNCH.Network.Dicom.Imaging;

/// <summary>What to do when the dataset has no usable window or VOI LUT.</summary>
public enum VoiFallback
{
    /// <summary>Full range for data of 8 bits stored or fewer with identity modality, frame min/max otherwise.</summary>
    Auto,

    /// <summary>Linear from the frame's smallest to its largest modality value.</summary>
    FrameMinMax,

    /// <summary>Linear over the whole range Bits Stored can hold (after the modality transform).</summary>
    FullRange,
}

public sealed record GrayscaleRenderOptions
{
    public static GrayscaleRenderOptions Default { get; } = new();

    /// <summary>Which window (or VOI LUT when there are no windows) of the dataset to use.</summary>
    public int VoiIndex { get; init; }

    /// <summary>A window that replaces the dataset's (e.g. a lung window chosen by the analyser).</summary>
    public VoiWindow? Window { get; init; }

    /// <summary>Use the VOI LUT Sequence even when windows are present.</summary>
    public bool PreferVoiLut { get; init; }

    public VoiFallback Fallback { get; init; } = VoiFallback.Auto;

    /// <summary>MONOCHROME1 shows low values white; invert so that every output is "higher is brighter".</summary>
    public bool InvertMonochrome1 { get; init; } = true;
}

/// <summary>
/// Stored values to display-ready grayscale: Modality LUT (rescale or LUT), VOI (window with LINEAR, LINEAR_EXACT or
/// SIGMOID, or VOI LUT), MONOCHROME1 inversion, giving [0, 1] floats or 8-bit values. Integer data of 16 bits or less
/// is mapped through a table built once per frame over the stored range, so the per-pixel cost is one load.
/// Colour frames are converted to RGB and reduced to luma (ITU-R BT.601).
/// </summary>
public static class GrayscaleRenderer
{
    public static float[] ToFloat(DecodedFrame frame, GrayscaleRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var output = new float[frame.Info.PixelsPerFrame];
        ToFloat(frame, output, options);
        return output;
    }

    public static byte[] ToGray8(DecodedFrame frame, GrayscaleRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var output = new byte[frame.Info.PixelsPerFrame];
        ToGray8(frame, output, options);
        return output;
    }

    public static void ToGray8(DecodedFrame frame, Span<byte> destination, GrayscaleRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var pixels = frame.Info.PixelsPerFrame;
        if (destination.Length < pixels)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, the frame has {pixels} pixels", nameof(destination));
        }

        if (Photometric.IsMonochrome(frame.PhotometricInterpretation))
        {
            // Straight to bytes (one table of 8-bit values for integer data): no frame-sized float plane in between.
            RenderMonochrome<byte, Gray8Output>(frame, options ?? GrayscaleRenderOptions.Default, destination);
            return;
        }

        var scratch = ArrayPool<float>.Shared.Rent(pixels);
        try
        {
            var values = scratch.AsSpan(0, pixels);
            ToFloat(frame, values, options);
            for (var i = 0; i < pixels; i++)
            {
                destination[i] = (byte)((values[i] * 255f) + 0.5f);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Modality values only (e.g. Hounsfield units): rescale or Modality LUT applied, no VOI, no inversion.
    /// For analysers that work in physical units rather than display values.
    /// </summary>
    public static float[] ToModalityValues(DecodedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.SamplesPerPixel != 1)
        {
            throw new DicomPixelDataException($"modality values need one sample per pixel, the frame has {frame.SamplesPerPixel}");
        }

        var output = new float[frame.Info.PixelsPerFrame];
        var presentation = frame.Presentation;
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = (float)VoiTransforms.Modality(frame.SampleAt(i), presentation);
        }

        return output;
    }

    public static void ToFloat(DecodedFrame frame, Span<float> destination, GrayscaleRenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        options ??= GrayscaleRenderOptions.Default;
        var pixels = frame.Info.PixelsPerFrame;
        if (destination.Length < pixels)
        {
            throw new ArgumentException($"destination holds {destination.Length} values, the frame has {pixels} pixels", nameof(destination));
        }

        if (!Photometric.IsMonochrome(frame.PhotometricInterpretation))
        {
            ColourToLuma(frame, destination[..pixels]);
            return;
        }

        RenderMonochrome<float, FloatOutput>(frame, options, destination);
    }

    /// <summary>How a display value in [0, 1] is written out: as it is, or as an 8-bit value (rounded).</summary>
    private interface IOutput<TOut>
    {
        static abstract TOut From(float value);
    }

    private readonly struct FloatOutput : IOutput<float>
    {
        public static float From(float value) => value;
    }

    private readonly struct Gray8Output : IOutput<byte>
    {
        public static byte From(float value) => (byte)((value * 255f) + 0.5f);
    }

    private static void RenderMonochrome<TOut, TConvert>(DecodedFrame frame, GrayscaleRenderOptions options, Span<TOut> destination)
        where TOut : unmanaged
        where TConvert : IOutput<TOut>
    {
        switch (frame.SampleType)
        {
            case PixelSampleType.UInt8: Render<byte, TOut, TConvert>(frame.Samples<byte>(), frame, options, destination); break;
            case PixelSampleType.Int8: Render<sbyte, TOut, TConvert>(frame.Samples<sbyte>(), frame, options, destination); break;
            case PixelSampleType.UInt16: Render<ushort, TOut, TConvert>(frame.Samples<ushort>(), frame, options, destination); break;
            case PixelSampleType.Int16: Render<short, TOut, TConvert>(frame.Samples<short>(), frame, options, destination); break;
            case PixelSampleType.UInt32: Render<uint, TOut, TConvert>(frame.Samples<uint>(), frame, options, destination); break;
            case PixelSampleType.Int32: Render<int, TOut, TConvert>(frame.Samples<int>(), frame, options, destination); break;
            case PixelSampleType.Float32: Render<float, TOut, TConvert>(frame.Samples<float>(), frame, options, destination); break;
            case PixelSampleType.Float64: Render<double, TOut, TConvert>(frame.Samples<double>(), frame, options, destination); break;
        }
    }

    private static void Render<T, TOut, TConvert>(ReadOnlySpan<T> samples, DecodedFrame frame, GrayscaleRenderOptions options, Span<TOut> destination)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
        where TOut : unmanaged
        where TConvert : IOutput<TOut>
    {
        var presentation = frame.Presentation;
        var info = frame.Info;
        var invert = options.InvertMonochrome1 && frame.PhotometricInterpretation == Photometric.Monochrome1;
        var (min, max) = MinMax(samples);
        var voi = ChooseVoi(presentation, options, info, () => (Math.Min(Modality(min), Modality(max)), Math.Max(Modality(min), Modality(max))));

        double Modality(T stored) => VoiTransforms.Modality(double.CreateTruncating(stored), presentation);

        float Map(T stored)
        {
            var y = voi(VoiTransforms.Modality(double.CreateTruncating(stored), presentation));
            return (float)(invert ? 1 - y : y);
        }

        var isSmallInteger = typeof(T) != typeof(float) && typeof(T) != typeof(double) && info.BitsStored <= 16;
        var range = double.CreateTruncating(max) - double.CreateTruncating(min) + 1;
        if (isSmallInteger && range <= samples.Length)
        {
            // One table entry per value the frame actually uses.
            var offset = int.CreateTruncating(min);
            var table = ArrayPool<TOut>.Shared.Rent((int)range);
            try
            {
                for (var v = 0; v < (int)range; v++)
                {
                    table[v] = TConvert.From(Map(T.CreateTruncating(v + offset)));
                }

                for (var i = 0; i < samples.Length; i++)
                {
                    destination[i] = table[int.CreateTruncating(samples[i]) - offset];
                }
            }
            finally
            {
                ArrayPool<TOut>.Shared.Return(table);
            }

            return;
        }

        for (var i = 0; i < samples.Length; i++)
        {
            destination[i] = TConvert.From(Map(samples[i]));
        }
    }

    /// <summary>The VOI step as a function from modality value to [0, 1].</summary>
    private static Func<double, double> ChooseVoi(
        ImagePresentation presentation, GrayscaleRenderOptions options, PixelImageInfo info, Func<(double Min, double Max)> frameRange)
    {
        if (options.Window is { } chosen && VoiTransforms.IsValid(chosen))
        {
            return x => VoiTransforms.Window(x, chosen);
        }

        var windows = presentation.Windows.Where(VoiTransforms.IsValid).ToList();
        var luts = presentation.VoiLuts;
        if (luts.Count > 0 && (options.PreferVoiLut || windows.Count == 0))
        {
            var lut = luts[Math.Clamp(options.VoiIndex, 0, luts.Count - 1)];
            return x => VoiTransforms.Lut(x, lut);
        }

        if (windows.Count > 0)
        {
            var window = windows[Math.Clamp(options.VoiIndex, 0, windows.Count - 1)];
            return x => VoiTransforms.Window(x, window);
        }

        var fallback = options.Fallback;
        if (fallback == VoiFallback.Auto)
        {
            fallback = info.BitsStored <= 8 && !info.IsFloat && presentation.HasIdentityModality ? VoiFallback.FullRange : VoiFallback.FrameMinMax;
        }

        double low, high;
        if (fallback == VoiFallback.FullRange && !info.IsFloat)
        {
            var storedMin = info.IsSigned ? -(1L << (info.BitsStored - 1)) : 0;
            var storedMax = info.IsSigned ? (1L << (info.BitsStored - 1)) - 1 : (1L << info.BitsStored) - 1;
            var a = VoiTransforms.Modality(storedMin, presentation);
            var b = VoiTransforms.Modality(storedMax, presentation);
            (low, high) = (Math.Min(a, b), Math.Max(a, b));
        }
        else
        {
            (low, high) = frameRange();
        }

        if (!(high > low))
        {
            return _ => 0;
        }

        var span = high - low;
        return x => Math.Clamp((x - low) / span, 0, 1);
    }

    private static (T Min, T Max) MinMax<T>(ReadOnlySpan<T> samples)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        if (samples.IsEmpty)
        {
            return (T.Zero, T.Zero);
        }

        var min = T.MaxValue;
        var max = T.MinValue;
        var i = 0;
        if (Vector.IsHardwareAccelerated && samples.Length >= Vector<T>.Count && typeof(T) != typeof(double) && typeof(T) != typeof(float))
        {
            var vmin = new Vector<T>(T.MaxValue);
            var vmax = new Vector<T>(T.MinValue);
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(samples);
            foreach (var v in vectors)
            {
                vmin = Vector.Min(vmin, v);
                vmax = Vector.Max(vmax, v);
            }

            for (var k = 0; k < Vector<T>.Count; k++)
            {
                min = T.Min(min, vmin[k]);
                max = T.Max(max, vmax[k]);
            }

            i = vectors.Length * Vector<T>.Count;
        }

        for (; i < samples.Length; i++)
        {
            // NaN in float data is skipped: comparisons with NaN are false.
            if (samples[i] < min)
            {
                min = samples[i];
            }

            if (samples[i] > max)
            {
                max = samples[i];
            }
        }

        return (min, max);
    }

    private static void ColourToLuma(DecodedFrame frame, Span<float> destination)
    {
        var pixels = frame.Info.PixelsPerFrame;
        var rgb = ArrayPool<byte>.Shared.Rent(pixels * 3);
        try
        {
            ColorConverter.ToRgb24(frame, rgb.AsSpan(0, pixels * 3));
            for (var i = 0; i < pixels; i++)
            {
                destination[i] = ((0.299f * rgb[3 * i]) + (0.587f * rgb[(3 * i) + 1]) + (0.114f * rgb[(3 * i) + 2])) / 255f;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgb);
        }
    }
}
