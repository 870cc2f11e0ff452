namespace VNCH.Network.Dicom;

/// <summary>
/// A DICOM Part 10 file (or a bare data set) as read. It owns the buffers its values are slices of (rented from
/// the shared array pool when read from a stream): dispose it when done, and every raw value
/// (<see cref="DicomElement.RawValue"/>, pixel data, fragments, the preamble) and every accessor that reads one then
/// throws <see cref="ObjectDisposedException"/>. Converted values (strings, numbers, arrays) are copies and stay
/// valid; a data set that must outlive the file is copied with <see cref="DicomDataset.DeepCopy"/> first.
/// Not disposing is safe: the buffers are then collected instead of going back to the pool.
/// </summary>
public sealed class DicomFile : IDisposable
{
    private readonly DicomBufferSet? _buffers;

    public DicomFile(DicomDataset fileMetaInformation, DicomDataset dataset, TransferSyntax transferSyntax)
    {
        FileMetaInformation = fileMetaInformation;
        Dataset = dataset;
        TransferSyntax = transferSyntax;
    }

    internal DicomFile(DicomDataset fileMetaInformation, DicomDataset dataset, TransferSyntax transferSyntax, DicomBufferSet buffers)
        : this(fileMetaInformation, dataset, transferSyntax)
    {
        _buffers = buffers;
    }

    public bool IsDisposed { get; private set; }

    /// <summary>Returns the read buffers to the pool; the values read from them can no longer be accessed.</summary>
    public void Dispose()
    {
        IsDisposed = true;
        _buffers?.Dispose();
    }

    /// <summary>The 128-byte preamble followed by "DICM" was present.</summary>
    public bool HasPreamble { get; init; }

    /// <summary>The preamble bytes when present.</summary>
    public ReadOnlyMemory<byte> Preamble { get; init; }

    /// <summary>Group 0002 (empty for ACR-NEMA style files without meta information).</summary>
    public DicomDataset FileMetaInformation { get; }

    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax used to read the data set (from the meta group, or inferred when absent).</summary>
    public TransferSyntax TransferSyntax { get; }

    /// <summary>True when the transfer syntax was not in the file meta group and was inferred from the data.</summary>
    public bool TransferSyntaxInferred { get; init; }

    /// <summary>Where the top-level pixel data lies; null if the data set has none.</summary>
    public DicomPixelData? PixelData { get; init; }

    /// <summary>Some data was cut short and kept as far as present (only with <see cref="DicomReadOptions.TolerateTruncation"/>).</summary>
    public bool IsTruncated { get; init; }

    /// <summary>Tolerated irregularities found while reading (bounded list).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Offset of the first data set byte after the meta group (in the source, before inflation).</summary>
    public long DatasetOffset { get; init; }
}
