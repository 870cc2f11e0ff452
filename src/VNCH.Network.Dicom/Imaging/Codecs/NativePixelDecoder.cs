using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VNCH.Network.Dicom.Imaging.Codecs;

/// <summary>
/// Native (uncompressed) pixel data, PS3.5 8.1: frames are contiguous, so frame N starts at N x frame size
/// (in bits for 1-bit data, whose frames need not start on a byte boundary).
/// </summary>
internal static class NativePixelDecoder
{
    /// <summary>Byte range of frame <paramref name="frameIndex"/> and the bit where it starts in its first byte.</summary>
    public static (long Offset, long Length, int BitShift) FrameRange(PixelImageInfo info, int frameIndex)
    {
        var frameBits = info.NativeFrameBits;
        var startBit = frameBits * frameIndex;
        var offset = startBit / 8;
        var bitShift = (int)(startBit % 8);
        var length = (bitShift + frameBits + 7) / 8;
        return (offset, length, bitShift);
    }

    /// <summary>Decodes one frame's bytes (file byte order) into <paramref name="destination"/> (decoded layout).</summary>
    public static void Decode(ReadOnlySpan<byte> source, int bitShift, bool bigEndian, PixelImageInfo info, Span<byte> destination)
    {
        if (info.BitsAllocated == 1)
        {
            UnpackBits(source, bitShift, destination[..info.PixelsPerFrame]);
            return;
        }

        var bytesPerSample = info.BitsAllocated / 8;
        if (info.IsHorizontallySubsampled)
        {
            Upsample422(source, bytesPerSample, info, destination);
        }
        else if (info.SamplesPerPixel > 1 && info.PlanarConfiguration == 1)
        {
            Interleave(source, bytesPerSample, info, destination);
        }
        else
        {
            source[..destination.Length].CopyTo(destination);
        }

        if (bigEndian)
        {
            SwapBytes(destination, bytesPerSample);
        }
    }

    /// <summary>Big-endian samples to machine (little-endian) order.</summary>
    public static void SwapBytes(Span<byte> samples, int bytesPerSample)
    {
        switch (bytesPerSample)
        {
            case 2:
                var words = MemoryMarshal.Cast<byte, ushort>(samples);
                BinaryPrimitives.ReverseEndianness(words, words);
                break;
            case 4:
                var dwords = MemoryMarshal.Cast<byte, uint>(samples);
                BinaryPrimitives.ReverseEndianness(dwords, dwords);
                break;
            case 8:
                var qwords = MemoryMarshal.Cast<byte, ulong>(samples);
                BinaryPrimitives.ReverseEndianness(qwords, qwords);
                break;
        }
    }

    /// <summary>1-bit data: the first pixel is the least significant bit of the first byte (PS3.5 8.1.1, 8.2).</summary>
    public static void UnpackBits(ReadOnlySpan<byte> source, int bitShift, Span<byte> destination)
    {
        var bit = bitShift;
        var index = 0;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)((source[index] >> bit) & 1);
            if (++bit == 8)
            {
                bit = 0;
                index++;
            }
        }
    }

    /// <summary>Planar configuration 1 (RRR..GGG..BBB..) to pixel-interleaved.</summary>
    private static void Interleave(ReadOnlySpan<byte> source, int bytesPerSample, PixelImageInfo info, Span<byte> destination)
    {
        var pixels = info.PixelsPerFrame;
        var spp = info.SamplesPerPixel;
        var planeBytes = pixels * bytesPerSample;
        for (var s = 0; s < spp; s++)
        {
            var plane = source.Slice(s * planeBytes, planeBytes);
            switch (bytesPerSample)
            {
                case 1:
                    for (var p = 0; p < pixels; p++)
                    {
                        destination[p * spp + s] = plane[p];
                    }

                    break;
                default:
                    for (var p = 0; p < pixels; p++)
                    {
                        plane.Slice(p * bytesPerSample, bytesPerSample).CopyTo(destination.Slice((p * spp + s) * bytesPerSample, bytesPerSample));
                    }

                    break;
            }
        }
    }

    /// <summary>YBR_FULL_422 (Y1 Y2 Cb Cr per pixel pair, PS3.3 C.7.6.3.1.2) to full YBR: each chroma pair serves both pixels.</summary>
    private static void Upsample422(ReadOnlySpan<byte> source, int bytesPerSample, PixelImageInfo info, Span<byte> destination)
    {
        var pairs = info.PixelsPerFrame / 2;
        var b = bytesPerSample;
        for (var p = 0; p < pairs; p++)
        {
            var input = source.Slice(p * 4 * b, 4 * b);
            var output = destination.Slice(p * 6 * b, 6 * b);
            input[..b].CopyTo(output[..b]); // Y1
            input.Slice(2 * b, 2 * b).CopyTo(output.Slice(b, 2 * b)); // Cb Cr
            input.Slice(b, b).CopyTo(output.Slice(3 * b, b)); // Y2
            input.Slice(2 * b, 2 * b).CopyTo(output.Slice(4 * b, 2 * b));
        }
    }
}
