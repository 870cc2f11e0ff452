using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using JpegLibrary;

namespace VNCH.Network.Dicom.Imaging.Codecs;

/// <summary>
/// JPEG baseline and extended (8/12-bit DCT) through JpegLibrary, lossless through <see cref="JpegLosslessDecoder"/>; used raw:
/// components come out as coded, with no colour conversion, because DICOM says in the Photometric Interpretation
/// what they are (YBR_FULL / YBR_FULL_422 stay YBR; the renderers convert). The one exception matches what libjpeg
/// based toolkits do: 'RGB' data whose codestream carries an Adobe APP14 marker with transform 1 is YCbCr in truth
/// and is delivered converted to RGB. Subsampled chroma is upsampled like libjpeg's default "fancy" (triangle) filter.
/// </summary>
internal static class JpegFrameDecoder
{
    /// <summary>Decodes one frame; returns the colour space of the samples written.</summary>
    public static string Decode(ReadOnlyMemory<byte> codestream, PixelImageInfo info, int frameIndex, Memory<byte> destination)
    {
        if (IsLossless(codestream.Span))
        {
            JpegLosslessDecoder.Decode(codestream.Span, info, frameIndex, destination.Span);
            return info.PhotometricInterpretation;
        }

        var decoder = new JpegDecoder();
        decoder.SetInput(codestream);
        int width, height, precision, components;
        try
        {
            decoder.Identify();
            width = decoder.Width;
            height = decoder.Height;
            precision = decoder.Precision;
            components = decoder.NumberOfComponents;
        }
        catch (Exception ex) when (ex is not DicomException)
        {
            throw new DicomPixelDataException(frameIndex, $"corrupt JPEG codestream: {ex.Message}", ex);
        }

        if (width != info.Columns || height != info.Rows || components != info.SamplesPerPixel)
        {
            throw new DicomPixelDataException(
                frameIndex,
                $"JPEG codestream is {width} x {height} with {components} components but the dataset says {info.Columns} x {info.Rows} with {info.SamplesPerPixel} samples");
        }

        if (precision > (info.BitsAllocated == 8 ? 8 : 16) || info.BitsAllocated is not (8 or 16))
        {
            throw new DicomPixelDataException(frameIndex, $"JPEG precision {precision} does not fit Bits Allocated {info.BitsAllocated}");
        }

        var writer = new SampleWriter(width, height, components, precision, info.BitsAllocated == 16);
        try
        {
            decoder.SetOutputWriter(writer);
            writer.Attach(destination);
            decoder.Decode();
        }
        catch (Exception ex) when (ex is not DicomException)
        {
            throw new DicomPixelDataException(frameIndex, $"corrupt JPEG codestream: {ex.Message}", ex);
        }
        finally
        {
            writer.Detach();
        }

        if (components == 3 && info.BitsAllocated == 8)
        {
            var hMax = decoder.GetMaximumHorizontalSampling();
            var vMax = decoder.GetMaximumVerticalSampling();
            for (var c = 0; c < 3; c++)
            {
                var h = hMax / decoder.GetHorizontalSampling(c);
                var v = vMax / decoder.GetVerticalSampling(c);
                if (h == 2 && (v is 1 or 2))
                {
                    ChromaUpsampling.Fancy(destination.Span[..info.SamplesPerFrame], width, height, c, v);
                }
            }
        }

        var photometric = info.PhotometricInterpretation;
        if (components == 3 && info.BitsAllocated == 8 && photometric == Photometric.Rgb && AdobeTransform(codestream.Span) == 1)
        {
            ColorConverter.YbrFullToRgbInPlace(destination.Span[..info.SamplesPerFrame]);
        }

        if (photometric == Photometric.YbrFull422)
        {
            photometric = Photometric.YbrFull;
        }
        return photometric;
    }

    private static bool IsLossless(ReadOnlySpan<byte> data)
    {
        foreach (var (marker, _) in Markers(data))
        {
            if (marker is 0xC3 or 0xC7 or 0xCB or 0xCF)
            {
                return true;
            }

            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>The transform flag of an Adobe APP14 segment, or -1 without one.</summary>
    private static int AdobeTransform(ReadOnlySpan<byte> data)
    {
        foreach (var (marker, segment) in Markers(data))
        {
            var bytes = segment.Span;
            if (marker == 0xEE && bytes.Length >= 12 && bytes[..5].SequenceEqual("Adobe"u8))
            {
                return bytes[11];
            }
        }

        return -1;
    }

    /// <summary>Marker segments up to the first scan (tables and headers only; entropy-coded data is never walked).</summary>
    private static List<(byte Marker, ReadOnlyMemory<byte> Segment)> Markers(ReadOnlySpan<byte> data)
    {
        var result = new List<(byte, ReadOnlyMemory<byte>)>();
        var i = 2; // after SOI
        while (i + 4 <= data.Length && data[i] == 0xFF)
        {
            var marker = data[i + 1];
            if (marker == 0xFF)
            {
                i++; // fill byte
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(i + 2)..]);
            var end = Math.Min(data.Length, i + 2 + length);
            result.Add((marker, data[Math.Min(end, i + 4)..end].ToArray()));
            if (marker == 0xDA)
            {
                break;
            }

            i = i + 2 + length;
        }

        return result;
    }

    /// <summary>
    /// Receives JpegLibrary's 8x8 spatial blocks (already upsampled by replication for subsampled components) and
    /// stores them interleaved as 8-bit or 16-bit samples, clamped to the precision.
    /// </summary>
    private sealed class SampleWriter : JpegBlockOutputWriter
    {
        private readonly int width;
        private readonly int height;
        private readonly int components;
        private readonly int maxValue;
        private readonly bool wide;
        private Memory<byte> target;

        public SampleWriter(int width, int height, int components, int precision, bool wide)
        {
            this.width = width;
            this.height = height;
            this.components = components;
            this.wide = wide;
            maxValue = (1 << precision) - 1;
        }

        public void Attach(Memory<byte> destination) => target = destination;

        public void Detach() => target = Memory<byte>.Empty;

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            var bytes = target.Span;
            var samples16 = MemoryMarshal.Cast<byte, ushort>(bytes);
            if (bytes.IsEmpty || x >= width || y >= height || componentIndex >= components)
            {
                return;
            }

            var writeWidth = Math.Min(width - x, 8);
            var writeHeight = Math.Min(height - y, 8);
            var stride = width * components;
            for (var row = 0; row < writeHeight; row++)
            {
                var rowStart = ((y + row) * stride) + (x * components) + componentIndex;
                for (var col = 0; col < writeWidth; col++)
                {
                    var value = Math.Clamp(Unsafe.Add(ref blockRef, (row * 8) + col), 0, maxValue);
                    var index = rowStart + (col * components);
                    if (wide)
                    {
                        samples16[index] = (ushort)value;
                    }
                    else
                    {
                        bytes[index] = (byte)value;
                    }
                }
            }
        }
    }
}
