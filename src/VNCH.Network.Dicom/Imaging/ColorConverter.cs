using System.Buffers;

namespace VNCH.Network.Dicom.Imaging;

/// <summary>
/// Decoded frames to 8-bit RGB (interleaved R G B): RGB as is (16-bit scaled down), YBR_FULL by the equations of
/// PS3.3 C.7.6.3.1.2 in libjpeg's fixed-point form (so results match libjpeg-based viewers exactly), YBR_PARTIAL,
/// PALETTE COLOR through its LUTs (entries scaled to 8 bits), grayscale through <see cref="GrayscaleRenderer"/>.
/// </summary>
public static class ColorConverter
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);

    private static readonly int[] CrToR = BuildTable(1.40200, round: true);
    private static readonly int[] CbToB = BuildTable(1.77200, round: true);
    private static readonly int[] CrToG = BuildTable(-0.71414, round: false);
    private static readonly int[] CbToG = BuildTable(-0.34414, round: false, addHalf: true);

    public static byte[] ToRgb24(DecodedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var output = new byte[frame.Info.PixelsPerFrame * 3];
        ToRgb24(frame, output);
        return output;
    }

    public static void ToRgb24(DecodedFrame frame, Span<byte> destination, GrayscaleRenderOptions? grayscale = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var pixels = frame.Info.PixelsPerFrame;
        if (destination.Length < pixels * 3)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, {pixels * 3} needed", nameof(destination));
        }

        destination = destination[..(pixels * 3)];
        switch (frame.PhotometricInterpretation)
        {
            case Photometric.Monochrome1 or Photometric.Monochrome2:
                GrayToRgb(frame, destination, grayscale);
                break;
            case Photometric.PaletteColor:
                PaletteToRgb(frame, destination);
                break;
            case Photometric.Rgb:
                CopyScaled(frame, destination);
                break;
            case Photometric.YbrFull:
                CopyScaled(frame, destination);
                YbrFullToRgbInPlace(destination);
                break;
            case "YBR_PARTIAL_422" or Photometric.YbrPartial420:
                CopyScaled(frame, destination);
                YbrPartialToRgbInPlace(destination);
                break;
            default:
                throw new DicomPixelDataException($"no RGB conversion for Photometric Interpretation '{frame.PhotometricInterpretation}'");
        }
    }

    /// <summary>YBR_FULL to RGB, 8-bit interleaved, in place (libjpeg jdcolor.c arithmetic).</summary>
    public static void YbrFullToRgbInPlace(Span<byte> interleaved)
    {
        for (var i = 0; i + 2 < interleaved.Length; i += 3)
        {
            int y = interleaved[i];
            int cb = interleaved[i + 1];
            int cr = interleaved[i + 2];
            interleaved[i] = Clamp(y + CrToR[cr]);
            interleaved[i + 1] = Clamp(y + ((CbToG[cb] + CrToG[cr]) >> ScaleBits));
            interleaved[i + 2] = Clamp(y + CbToB[cb]);
        }
    }

    /// <summary>YBR_PARTIAL (studio range, PS3.3 C.7.6.3.1.2) to RGB, 8-bit interleaved, in place.</summary>
    public static void YbrPartialToRgbInPlace(Span<byte> interleaved)
    {
        for (var i = 0; i + 2 < interleaved.Length; i += 3)
        {
            var y = 1.1644 * (interleaved[i] - 16);
            var cb = interleaved[i + 1] - 128.0;
            var cr = interleaved[i + 2] - 128.0;
            interleaved[i] = Clamp((int)Math.Round(y + (1.5960 * cr)));
            interleaved[i + 1] = Clamp((int)Math.Round(y - (0.3918 * cb) - (0.8130 * cr)));
            interleaved[i + 2] = Clamp((int)Math.Round(y + (2.0172 * cb)));
        }
    }

    private static void GrayToRgb(DecodedFrame frame, Span<byte> destination, GrayscaleRenderOptions? options)
    {
        var pixels = frame.Info.PixelsPerFrame;
        var gray = ArrayPool<byte>.Shared.Rent(pixels);
        try
        {
            GrayscaleRenderer.ToGray8(frame, gray.AsSpan(0, pixels), options);
            for (var i = 0; i < pixels; i++)
            {
                destination[3 * i] = destination[(3 * i) + 1] = destination[(3 * i) + 2] = gray[i];
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(gray);
        }
    }

    private static void PaletteToRgb(DecodedFrame frame, Span<byte> destination)
    {
        var palette = frame.Presentation.Palette ?? throw new DicomPixelDataException("PALETTE COLOR image without palette LUTs");
        var pixels = frame.Info.PixelsPerFrame;
        var red = Scale(palette.Red);
        var green = Scale(palette.Green);
        var blue = Scale(palette.Blue);
        var type = frame.SampleType;
        if (type is not (PixelSampleType.UInt8 or PixelSampleType.UInt16 or PixelSampleType.Int8 or PixelSampleType.Int16))
        {
            throw new DicomPixelDataException($"palette indices of type {frame.SampleType} are not supported");
        }

        var bytes = frame.Bytes;
        for (var i = 0; i < pixels; i++)
        {
            int index = type switch
            {
                PixelSampleType.UInt8 => bytes[i],
                PixelSampleType.Int8 => (sbyte)bytes[i],
                PixelSampleType.UInt16 => BitConverter.ToUInt16(bytes.Slice(2 * i, 2)),
                _ => BitConverter.ToInt16(bytes.Slice(2 * i, 2)),
            };
            destination[3 * i] = Lookup(red, palette.Red.FirstMappedValue, index);
            destination[(3 * i) + 1] = Lookup(green, palette.Green.FirstMappedValue, index);
            destination[(3 * i) + 2] = Lookup(blue, palette.Blue.FirstMappedValue, index);
        }

        static byte Lookup(byte[] table, int first, int index) => table[Math.Clamp(index - first, 0, table.Length - 1)];
    }

    private static byte[] Scale(LookupTable lut)
    {
        var shift = Math.Max(0, lut.BitsPerEntry - 8);
        var table = new byte[lut.Entries.Count];
        for (var i = 0; i < table.Length; i++)
        {
            table[i] = (byte)Math.Min(255, lut.Entries[i] >> shift);
        }

        return table;
    }

    private static void CopyScaled(DecodedFrame frame, Span<byte> destination)
    {
        switch (frame.SampleType)
        {
            case PixelSampleType.UInt8:
                frame.Samples<byte>().CopyTo(destination);
                break;
            case PixelSampleType.UInt16:
                var shift16 = Math.Max(0, frame.Info.BitsStored - 8);
                var wide = frame.Samples<ushort>();
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (byte)Math.Min(255, wide[i] >> shift16);
                }

                break;
            case PixelSampleType.UInt32:
                var shift32 = Math.Max(0, frame.Info.BitsStored - 8);
                var wider = frame.Samples<uint>();
                for (var i = 0; i < destination.Length; i++)
                {
                    destination[i] = (byte)Math.Min(255u, wider[i] >> shift32);
                }

                break;
            default:
                throw new DicomPixelDataException($"colour samples of type {frame.SampleType} are not supported");
        }
    }

    private static int[] BuildTable(double factor, bool round, bool addHalf = false)
    {
        var fix = (int)((factor * (1 << ScaleBits)) + (factor < 0 ? -0.5 : 0.5));
        var table = new int[256];
        for (var i = 0; i < 256; i++)
        {
            var x = i - 128;
            table[i] = round ? ((fix * x) + OneHalf) >> ScaleBits : (fix * x) + (addHalf ? OneHalf : 0);
        }

        return table;
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
