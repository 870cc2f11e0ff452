using System.Buffers.Binary;

namespace VNCH.Network.Signals.Ecg.Wfdb;

/// <summary>
/// The WFDB storage formats (PhysioNet signal(5)). Bit-packed formats pack the file's interleaved sample stream,
/// so decoding works on the whole stream and de-interleaving happens afterwards.
/// </summary>
internal static class WfdbFormats
{
    public static void Decode(int format, ReadOnlySpan<byte> bytes, Span<int> output)
    {
        switch (format)
        {
            case 8:
                for (var i = 0; i < output.Length; i++)
                {
                    output[i] = (sbyte)bytes[i];
                }

                break;
            case 80:
                for (var i = 0; i < output.Length; i++)
                {
                    output[i] = bytes[i] - 128;
                }

                break;
            case 16:
                for (var i = 0; i < output.Length; i++)
                {
                    output[i] = BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * i)..]);
                }

                break;
            case 61:
                for (var i = 0; i < output.Length; i++)
                {
                    output[i] = BinaryPrimitives.ReadInt16BigEndian(bytes[(2 * i)..]);
                }

                break;
            case 160:
                for (var i = 0; i < output.Length; i++)
                {
                    output[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) - 32768;
                }

                break;
            case 24:
                for (var i = 0; i < output.Length; i++)
                {
                    var b = bytes.Slice(3 * i, 3);
                    output[i] = ((b[0] | (b[1] << 8) | (b[2] << 16)) << 8) >> 8;
                }

                break;
            case 32:
                for (var i = 0; i < output.Length; i++)
                {
                    output[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * i)..]);
                }

                break;
            case 212:
                Decode212(bytes, output);
                break;
            case 310:
                Decode310(bytes, output);
                break;
            case 311:
                Decode311(bytes, output);
                break;
            default:
                throw new SignalFormatException($"WFDB storage format {format} is not supported.");
        }
    }

    /// <summary>Format 8 stores first differences; the header's initial value is the sample before the first.</summary>
    public static void IntegrateFirstDifferences(Span<int> samples, int initialValue)
    {
        var value = initialValue;
        for (var i = 0; i < samples.Length; i++)
        {
            value += samples[i];
            samples[i] = value;
        }
    }

    // Two 12-bit samples in three bytes: low byte of s0, then (high nibble of s1 | high nibble of s0), then low byte of s1.
    private static void Decode212(ReadOnlySpan<byte> bytes, Span<int> output)
    {
        for (int i = 0, b = 0; i < output.Length; i += 2, b += 3)
        {
            var middle = bytes[b + 1];
            output[i] = SignExtend(bytes[b] | ((middle & 0x0F) << 8), 12);
            if (i + 1 < output.Length)
            {
                output[i + 1] = SignExtend(bytes[b + 2] | ((middle & 0xF0) << 4), 12);
            }
        }
    }

    // Three 10-bit samples in two little-endian 16-bit words; bit 0 of each word is unused.
    private static void Decode310(ReadOnlySpan<byte> bytes, Span<int> output)
    {
        for (int i = 0, b = 0; i < output.Length; i += 3, b += 4)
        {
            int w0 = BinaryPrimitives.ReadUInt16LittleEndian(bytes[b..]);
            int w1 = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(b + 2)..]);
            output[i] = SignExtend((w0 >> 1) & 0x3FF, 10);
            if (i + 1 < output.Length)
            {
                output[i + 1] = SignExtend((w1 >> 1) & 0x3FF, 10);
            }

            if (i + 2 < output.Length)
            {
                output[i + 2] = SignExtend(((w0 >> 11) & 0x1F) | (((w1 >> 11) & 0x1F) << 5), 10);
            }
        }
    }

    // Three 10-bit samples in one little-endian 32-bit word (bits 0–9, 10–19, 20–29).
    private static void Decode311(ReadOnlySpan<byte> bytes, Span<int> output)
    {
        for (int i = 0, b = 0; i < output.Length; i += 3, b += 4)
        {
            var word = BinaryPrimitives.ReadUInt32LittleEndian(bytes[b..]);
            for (var k = 0; k < 3 && i + k < output.Length; k++)
            {
                output[i + k] = SignExtend((int)((word >> (10 * k)) & 0x3FF), 10);
            }
        }
    }

    private static int SignExtend(int value, int bits) => (value << (32 - bits)) >> (32 - bits);
}
