namespace VNCH.Network.Dicom.Imaging;

/// <summary>VOI LUT Function (0028,1056), PS3.3 C.11.2.1.3.</summary>
public enum VoiLutFunction
{
    Linear,
    LinearExact,
    Sigmoid,
}

/// <summary>One Window Center / Width pair (0028,1050/1051) with its function and explanation.</summary>
public sealed record VoiWindow(double Center, double Width, VoiLutFunction Function = VoiLutFunction.Linear, string? Explanation = null);

/// <summary>
/// A LUT as DICOM encodes it (PS3.3 C.11.1.1.1 / C.11.2.1.1): descriptor (number of entries, first stored value mapped,
/// bits per entry) and the entries. Input below the first value maps to the first entry, above the last to the last.
/// </summary>
public sealed class LookupTable
{
    private readonly ushort[] entries;

    public LookupTable(int firstMappedValue, int bitsPerEntry, ushort[] entries, string? explanation = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Length == 0)
        {
            throw new DicomPixelDataException("LUT without entries");
        }

        if (bitsPerEntry is < 1 or > 16)
        {
            throw new DicomPixelDataException($"LUT with {bitsPerEntry} bits per entry (1..16 expected)");
        }

        FirstMappedValue = firstMappedValue;
        BitsPerEntry = bitsPerEntry;
        this.entries = entries;
        Explanation = explanation;
    }

    public int FirstMappedValue { get; }

    public int BitsPerEntry { get; }

    public IReadOnlyList<ushort> Entries => entries;

    public string? Explanation { get; }

    /// <summary>Largest value an entry can hold, 2^bits - 1: the VOI output range.</summary>
    public int MaxEntryValue => (1 << BitsPerEntry) - 1;

    public int this[double input]
    {
        get
        {
            var index = (long)Math.Floor(input) - FirstMappedValue;
            if (index <= 0)
            {
                return entries[0];
            }

            return index >= entries.Length ? entries[^1] : entries[index];
        }
    }

    /// <summary>
    /// Builds a LUT from the raw descriptor values and data. Descriptor: entries (0 means 65536), first mapped value
    /// (signed when the image is signed, PS3.3 C.11.1.1.1), bits. 8-bit entries may come packed two per 16-bit word.
    /// </summary>
    public static LookupTable FromDescriptor(IReadOnlyList<int> descriptor, ReadOnlySpan<ushort> data, bool signedInput, string? explanation = null)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.Count != 3)
        {
            throw new DicomPixelDataException($"LUT Descriptor has {descriptor.Count} values, 3 expected");
        }

        var count = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
        var first = signedInput ? (short)(ushort)descriptor[1] : descriptor[1] & 0xFFFF;
        var bits = descriptor[2];
        var values = new ushort[count];
        if (data.Length >= count)
        {
            data[..count].CopyTo(values);
        }
        else if (bits == 8 && data.Length * 2 >= count)
        {
            // 8-bit entries packed in OW: low byte first.
            for (var i = 0; i < count; i++)
            {
                values[i] = (ushort)((data[i / 2] >> (8 * (i % 2))) & 0xFF);
            }
        }
        else
        {
            throw new DicomPixelDataException($"LUT Data holds {data.Length} values, the descriptor announces {count}");
        }

        // Some writers declare 16 bits for 8-bit palette data and the reverse; trust the data when it disagrees.
        if (bits == 8 && values.AsSpan().IndexOfAnyExceptInRange((ushort)0, (ushort)255) >= 0)
        {
            bits = 16;
        }

        return new LookupTable(first, bits, values, explanation);
    }
}

/// <summary>
/// What turns stored values into something to look at: Modality LUT (rescale or LUT, PS3.3 C.11.1), VOI (windows or
/// LUTs, C.11.2) and the palette for PALETTE COLOR. Read from the dataset by <see cref="DicomPixelFrames"/>.
/// </summary>
public sealed record ImagePresentation
{
    public static ImagePresentation None { get; } = new();

    public double RescaleSlope { get; init; } = 1;

    public double RescaleIntercept { get; init; }

    public string? RescaleType { get; init; }

    /// <summary>Modality LUT Sequence (0028,3000); when present it replaces rescale slope/intercept.</summary>
    public LookupTable? ModalityLut { get; init; }

    public IReadOnlyList<VoiWindow> Windows { get; init; } = [];

    /// <summary>VOI LUT Sequence (0028,3010) items.</summary>
    public IReadOnlyList<LookupTable> VoiLuts { get; init; } = [];

    public PaletteColorLut? Palette { get; init; }

    public bool HasIdentityModality => ModalityLut is null && RescaleSlope == 1 && RescaleIntercept == 0;
}
