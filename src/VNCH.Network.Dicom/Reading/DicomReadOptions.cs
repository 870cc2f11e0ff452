namespace VNCH.Network.Dicom;

/// <summary>What to do with the top-level Pixel Data (7FE0,0010/0008/0009).</summary>
public enum PixelDataMode
{
    /// <summary>Stop reading at the pixel data (metadata only); its position and length are still reported.</summary>
    Skip,

    /// <summary>Record where the pixel data (or each fragment) lies in the source without loading it, then read on.
    /// On streams that cannot seek the bytes are loaded instead, since they could not be read again.</summary>
    Reference,

    /// <summary>Load the pixel data into memory.</summary>
    Load,

    /// <summary>Walk the whole pixel data without keeping it (every fragment item and the sequence delimiter must be
    /// present; a native value must be complete), then read on: proves a file is whole in bounded memory.</summary>
    Verify,
}

/// <summary>Reading options with safe defaults for untrusted input.</summary>
public sealed record DicomReadOptions
{
    public static DicomReadOptions Default { get; } = new();

    /// <summary>Metadata only: stops at the pixel data.</summary>
    public static DicomReadOptions MetadataOnly { get; } = new() { PixelDataMode = PixelDataMode.Skip };

    public PixelDataMode PixelDataMode { get; init; } = PixelDataMode.Reference;

    /// <summary>Maximum sequence nesting depth; deeper input is rejected with <see cref="DicomFormatException"/>.</summary>
    public int MaxNestingDepth { get; init; } = 64;

    /// <summary>Largest value length accepted for one element (pixel data included when loaded).</summary>
    public long MaxElementLength { get; init; } = int.MaxValue - 64;

    /// <summary>Largest inflated size of a deflated data set (zip-bomb guard).</summary>
    public long MaxInflatedBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Largest inflated/deflated ratio of a deflated data set, checked once 1 MiB has been inflated (a DICOM data set
    /// compresses far less than a zip bomb's ~1000:1).
    /// </summary>
    public int MaxInflationRatio { get; init; } = 1000;

    /// <summary>Shared slots bounding how many deflated data sets inflate at once; null for no bound.</summary>
    public InflationGate? InflationGate { get; init; }

    /// <summary>
    /// Accept data cut short (a value, item or sequence running past the end): it is kept up to the end and
    /// <see cref="DicomFile.IsTruncated"/> is set, as pydicom does. Off by default: an incomplete transfer is an error.
    /// </summary>
    public bool TolerateTruncation { get; init; }

    /// <summary>Stop before the first top-level element whose tag is greater than this one.</summary>
    public DicomTag? StopAfterTag { get; init; }
}
