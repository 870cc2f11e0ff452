using System.Buffers;
using System.Buffers.Binary;

namespace VNCH.Network.Dicom.Imaging.Codecs;

/// <summary>
/// RLE Lossless (PS3.5 Annex G): a 64-byte header with up to 15 segment offsets, then one PackBits segment per byte
/// of each sample, most significant byte first ("composite pixel code" order). Output is pixel-interleaved.
/// </summary>
internal static class RleDecoder
{
    private const int HeaderLength = 64;

    /// <summary>Largest expansion of PackBits: two input bytes (-127, value) produce 128 output bytes.</summary>
    public const int MaxExpansion = 64;

    public static void Decode(ReadOnlySpan<byte> frame, PixelImageInfo info, int frameIndex, Span<byte> destination)
    {
        if (frame.Length < HeaderLength)
        {
            throw new DicomPixelDataException(frameIndex, $"RLE frame of {frame.Length} bytes is shorter than its 64-byte header");
        }

        var bytesPerSample = info.BitsAllocated == 1 ? 1 : info.BitsAllocated / 8;
        var expectedSegments = info.SamplesPerPixel * bytesPerSample;
        var segmentCount = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (segmentCount != expectedSegments)
        {
            throw new DicomPixelDataException(
                frameIndex, $"RLE header declares {segmentCount} segments, {expectedSegments} expected for {info.SamplesPerPixel} samples of {info.BitsAllocated} bits");
        }

        var pixels = info.PixelsPerFrame;
        var segmentLength = info.BitsAllocated == 1 ? (pixels + 7) / 8 : pixels;
        var spp = info.SamplesPerPixel;
        var scratch = ArrayPool<byte>.Shared.Rent(segmentLength);
        try
        {
            for (var segment = 0; segment < expectedSegments; segment++)
            {
                var start = BinaryPrimitives.ReadUInt32LittleEndian(frame[(4 + 4 * segment)..]);
                var end = segment + 1 < expectedSegments ? BinaryPrimitives.ReadUInt32LittleEndian(frame[(8 + 4 * segment)..]) : (uint)frame.Length;
                if (start < HeaderLength || end > frame.Length || start > end)
                {
                    throw new DicomPixelDataException(frameIndex, $"RLE segment {segment} has an invalid range {start}..{end} in a {frame.Length}-byte frame");
                }

                var decoded = scratch.AsSpan(0, segmentLength);
                var produced = PackBits(frame[(int)start..(int)end], decoded);
                if (produced < segmentLength)
                {
                    throw new DicomPixelDataException(frameIndex, $"RLE segment {segment} decodes to {produced} bytes, {segmentLength} expected (truncated or corrupt)");
                }

                if (info.BitsAllocated == 1)
                {
                    NativePixelDecoder.UnpackBits(decoded, 0, destination[..pixels]);
                    continue;
                }

                // Segment order is sample-major, most significant byte first; decoded samples are little-endian.
                var sample = segment / bytesPerSample;
                var byteInSample = bytesPerSample - 1 - (segment % bytesPerSample);
                var stride = spp * bytesPerSample;
                var target = destination[(sample * bytesPerSample + byteInSample)..];
                if (stride == 1)
                {
                    decoded.CopyTo(target);
                }
                else
                {
                    for (var p = 0; p < pixels; p++)
                    {
                        target[p * stride] = decoded[p];
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>PackBits (PS3.5 G.3.1); returns the bytes produced, never more than the destination holds.</summary>
    private static int PackBits(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var i = 0;
        var o = 0;
        while (i < source.Length && o < destination.Length)
        {
            var n = (sbyte)source[i++];
            if (n >= 0)
            {
                var count = Math.Min(n + 1, Math.Min(source.Length - i, destination.Length - o));
                source.Slice(i, count).CopyTo(destination[o..]);
                i += n + 1;
                o += count;
            }
            else if (n != -128)
            {
                if (i >= source.Length)
                {
                    break;
                }

                var count = Math.Min(1 - n, destination.Length - o);
                destination.Slice(o, count).Fill(source[i++]);
                o += count;
            }
        }

        return o;
    }
}
