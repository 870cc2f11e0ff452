namespace VNCH.Network.Dicom.Imaging;

/// <summary>Where the pixel bytes are; views into the file's bytes, nothing is copied until a frame is decoded.</summary>
public abstract record PixelDataSource;

/// <summary>Native pixel data (PS3.5 8.1): one value, frames back to back, in the transfer syntax's byte order.</summary>
public sealed record NativePixelDataSource(ReadOnlyMemory<byte> Data, bool BigEndian = false) : PixelDataSource;

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): the fragments after the Basic Offset Table item, the BOT offsets (may be empty)
/// and, when the dataset has them, the Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002).
/// BOT and EOT offsets count from the first byte of the first fragment's item tag.
/// </summary>
public sealed record EncapsulatedPixelDataSource(
    IReadOnlyList<ReadOnlyMemory<byte>> Fragments,
    IReadOnlyList<uint> BasicOffsetTable,
    IReadOnlyList<ulong>? ExtendedOffsetTable = null,
    IReadOnlyList<ulong>? ExtendedOffsetTableLengths = null) : PixelDataSource;
