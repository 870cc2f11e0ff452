namespace VNCH.Network.Dicom;

/// <summary>A DICOM Part 10 file (or a bare data set) as read.</summary>
public sealed class DicomFile
{
    public DicomFile(DicomDataset fileMetaInformation, DicomDataset dataset, TransferSyntax transferSyntax)
    {
        FileMetaInformation = fileMetaInformation;
        Dataset = dataset;
        TransferSyntax = transferSyntax;
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
