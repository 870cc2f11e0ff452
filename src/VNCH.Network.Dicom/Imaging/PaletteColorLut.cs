namespace VNCH.Network.Dicom.Imaging;

/// <summary>Red, green and blue palette LUTs of a PALETTE COLOR image (PS3.3 C.7.6.3.1.5 / C.7.9).</summary>
public sealed record PaletteColorLut(LookupTable Red, LookupTable Green, LookupTable Blue)
{
    /// <summary>
    /// Expands Segmented Palette Color LUT Data (PS3.3 C.7.9.2): discrete (opcode 0), linear (1) and indirect (2)
    /// segments, into the <paramref name="count"/> entries the descriptor announces. Hostile data cannot make it
    /// produce more than that or loop: indirect segments may not point at indirect segments.
    /// </summary>
    public static ushort[] ExpandSegmented(ReadOnlySpan<ushort> segmented, int count)
    {
        var output = new List<ushort>(count);
        Expand(segmented, 0, segmented.Length, int.MaxValue, output, count, allowIndirect: true);
        if (output.Count < count)
        {
            throw new DicomPixelDataException($"segmented palette expands to {output.Count} entries, {count} expected");
        }

        return output.ToArray();
    }

    private static void Expand(ReadOnlySpan<ushort> data, int start, int end, int maxSegments, List<ushort> output, int count, bool allowIndirect)
    {
        var i = start;
        for (var segment = 0; segment < maxSegments && i < end && output.Count < count; segment++)
        {
            if (i + 1 >= data.Length)
            {
                throw new DicomPixelDataException($"segmented palette truncated at word {i}");
            }

            var opcode = data[i];
            int length = data[i + 1];
            switch (opcode)
            {
                case 0:
                    if (i + 2 + length > data.Length)
                    {
                        throw new DicomPixelDataException($"segmented palette discrete segment at word {i} runs past the data");
                    }

                    foreach (var value in data.Slice(i + 2, Math.Min(length, count - output.Count)))
                    {
                        output.Add(value);
                    }

                    i += 2 + length;
                    break;
                case 1:
                    if (output.Count == 0 || i + 2 >= data.Length)
                    {
                        throw new DicomPixelDataException($"segmented palette linear segment at word {i} has no start value");
                    }

                    double y0 = output[^1];
                    double y1 = data[i + 2];
                    for (var k = 1; k <= length && output.Count < count; k++)
                    {
                        output.Add((ushort)Math.Round(y0 + ((y1 - y0) * k / length)));
                    }

                    i += 3;
                    break;
                case 2 when allowIndirect:
                    if (i + 3 >= data.Length)
                    {
                        throw new DicomPixelDataException($"segmented palette indirect segment at word {i} is truncated");
                    }

                    var offset = data[i + 2] | (data[i + 3] << 16);
                    if (offset < 0 || offset >= data.Length)
                    {
                        throw new DicomPixelDataException($"segmented palette indirect segment points outside the data ({offset})");
                    }

                    Expand(data, offset, data.Length, length, output, count, allowIndirect: false);
                    i += 4;
                    break;
                default:
                    throw new DicomPixelDataException($"segmented palette has an invalid opcode {opcode} at word {i}");
            }
        }
    }
}
