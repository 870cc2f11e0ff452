using System.Numerics;
using System.Runtime.InteropServices;

namespace VNCH.Network.Dicom.Imaging.Codecs;

/// <summary>
/// Keeps only the stored bits of each sample (PS3.5 8.1.1): shifts the value down when High Bit is not BitsStored - 1,
/// drops what lies above it (overlay bits, junk) and sign-extends signed data from the high bit.
/// Implemented as "shift the stored bits to the top, shift back down": logical for unsigned, arithmetic for signed.
/// </summary>
internal static class SampleBits
{
    public static bool NeedsFixing(PixelImageInfo info) =>
        !info.IsFloat && info.BitsAllocated > 1 && (info.BitsStored < info.BitsAllocated || info.HighBit != info.BitsStored - 1);

    public static void Apply(Span<byte> samples, PixelImageInfo info)
    {
        if (!NeedsFixing(info))
        {
            return;
        }

        var up = info.BitsAllocated - 1 - info.HighBit;
        var down = info.BitsAllocated - info.BitsStored;
        switch (info.BitsAllocated)
        {
            case 8 when info.IsSigned:
                Fix(MemoryMarshal.Cast<byte, sbyte>(samples), up, down);
                break;
            case 8:
                Fix(samples, up, down);
                break;
            case 16 when info.IsSigned:
                Fix(MemoryMarshal.Cast<byte, short>(samples), up, down);
                break;
            case 16:
                Fix(MemoryMarshal.Cast<byte, ushort>(samples), up, down);
                break;
            case 32 when info.IsSigned:
                Fix(MemoryMarshal.Cast<byte, int>(samples), up, down);
                break;
            case 32:
                Fix(MemoryMarshal.Cast<byte, uint>(samples), up, down);
                break;
        }
    }

    // The generic shift operators on T resolve to arithmetic shifts for signed T and logical ones for unsigned T.
    private static void Fix<T>(Span<T> samples, int up, int down)
        where T : unmanaged, IBinaryInteger<T>
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && samples.Length >= Vector<T>.Count)
        {
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(samples);
            for (var v = 0; v < vectors.Length; v++)
            {
                vectors[v] = (vectors[v] << up) >> down;
            }

            i = vectors.Length * Vector<T>.Count;
        }

        for (; i < samples.Length; i++)
        {
            samples[i] = (samples[i] << up) >> down;
        }
    }
}
