using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VNCH.Network.Dicom.Imaging;

/// <summary>
/// One decoded frame: the samples as stored (no rescale, no VOI, no palette, no colour conversion), typed by
/// <see cref="PixelImageInfo.SampleType"/>, always pixel-interleaved (R G B R G B ...) whatever the planar configuration
/// of the source, YBR_FULL_422 upsampled to full chroma, BitsStored &lt; BitsAllocated masked and sign-extended.
/// The buffer is rented from <see cref="ArrayPool{T}"/>: dispose the frame to return it.
/// </summary>
public sealed class DecodedFrame : IDisposable
{
    private byte[]? buffer;

    internal DecodedFrame(PixelImageInfo info, int frameIndex, string photometricInterpretation, ImagePresentation presentation)
    {
        Info = info;
        FrameIndex = frameIndex;
        PhotometricInterpretation = photometricInterpretation;
        Presentation = presentation;
        ByteLength = checked((int)info.DecodedFrameBytes);
        buffer = ArrayPool<byte>.Shared.Rent(ByteLength);
    }

    public PixelImageInfo Info { get; }

    public int FrameIndex { get; }

    public int Rows => Info.Rows;

    public int Columns => Info.Columns;

    public int SamplesPerPixel => Info.SamplesPerPixel;

    public PixelSampleType SampleType => Info.SampleType;

    /// <summary>
    /// The colour space the samples are in: the dataset's value, except YBR_FULL_422 which is delivered upsampled
    /// as YBR_FULL, and JPEG 'RGB' data that the codestream marks as YCbCr-transformed (delivered converted to RGB).
    /// </summary>
    public string PhotometricInterpretation { get; internal set; }

    /// <summary>Rescale, windows, LUTs and palette of the object, for the renderers.</summary>
    public ImagePresentation Presentation { get; }

    public int ByteLength { get; }

    /// <summary>The samples as little-endian bytes of <see cref="SampleType"/> (machine order; .NET runs little-endian here).</summary>
    public Span<byte> Bytes => Buffer.AsSpan(0, ByteLength);

    internal Memory<byte> Memory => Buffer.AsMemory(0, ByteLength);

    /// <summary>The samples typed; T must match <see cref="SampleType"/> in size and signedness.</summary>
    public Span<T> Samples<T>()
        where T : unmanaged
    {
        if (SampleTypes.ClrTypeOf(SampleType) != typeof(T))
        {
            throw new InvalidOperationException($"frame samples are {SampleType}, not {typeof(T).Name}");
        }

        return MemoryMarshal.Cast<byte, T>(Bytes);
    }

    /// <summary>Sample <paramref name="index"/> (pixel-interleaved order) as a number, whatever its type; for the odd access, not loops.</summary>
    public double SampleAt(int index)
    {
        var bytes = Bytes;
        return SampleType switch
        {
            PixelSampleType.UInt8 => bytes[index],
            PixelSampleType.Int8 => (sbyte)bytes[index],
            PixelSampleType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * index)..]),
            PixelSampleType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(bytes[(2 * index)..]),
            PixelSampleType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(bytes[(4 * index)..]),
            PixelSampleType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(bytes[(4 * index)..]),
            PixelSampleType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * index)..]),
            _ => BinaryPrimitives.ReadDoubleLittleEndian(bytes[(8 * index)..]),
        };
    }

    private byte[] Buffer => buffer ?? throw new ObjectDisposedException(nameof(DecodedFrame));

    public void Dispose()
    {
        var rented = Interlocked.Exchange(ref buffer, null);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}

internal static class SampleTypes
{
    public static Type ClrTypeOf(PixelSampleType type) => type switch
    {
        PixelSampleType.UInt8 => typeof(byte),
        PixelSampleType.Int8 => typeof(sbyte),
        PixelSampleType.UInt16 => typeof(ushort),
        PixelSampleType.Int16 => typeof(short),
        PixelSampleType.UInt32 => typeof(uint),
        PixelSampleType.Int32 => typeof(int),
        PixelSampleType.Float32 => typeof(float),
        PixelSampleType.Float64 => typeof(double),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
