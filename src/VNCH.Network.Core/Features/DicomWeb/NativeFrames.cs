using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Imaging;

namespace VNCH.Network.Core.Features.DicomWeb;

/// <summary>
/// Frames of native (uncompressed) pixel data as WADO-RS frame resources deliver them: the stored bytes of frame N,
/// little endian (big-endian sources swapped per sample), only that frame read from the original.
/// </summary>
public sealed class NativeFrames
{
    private readonly DicomFile file;
    private readonly Stream source;
    private readonly long frameBytes;
    private readonly int bytesPerSample;

    private NativeFrames(DicomFile file, Stream source, PixelImageInfo info)
    {
        this.file = file;
        this.source = source;
        Info = info;
        frameBytes = info.NativeFrameBits / 8;
        bytesPerSample = info.BitsAllocated >= 16 ? info.BitsAllocated / 8 : 1;
    }

    public PixelImageInfo Info { get; }

    public int FrameCount => Info.NumberOfFrames;

    /// <summary>
    /// Null when the instance has no pixel data, is encapsulated, or has frames that do not start on a byte boundary
    /// (1-bit data with an odd pixel count).
    /// </summary>
    public static NativeFrames? Open(DicomFile file, Stream source)
    {
        if (file.PixelData is not { IsEncapsulated: false } pixels || file.TransferSyntax.IsEncapsulated)
        {
            return null;
        }

        var info = DicomPixelFrames.ReadImageInfo(file.Dataset, pixels.Tag);
        info.Validate(PixelDecodingLimits.Default);
        return info.NativeFrameBits % 8 == 0 ? new NativeFrames(file, source, info) : null;
    }

    /// <summary>Frame <paramref name="index"/> (0-based); <see cref="DicomPixelDataException"/> when the data is truncated.</summary>
    public async Task<byte[]> ReadFrameAsync(int index, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FrameCount);
        var pixels = file.PixelData!;
        var start = index * frameBytes;
        var frame = new byte[frameBytes];
        if (pixels.IsLoaded)
        {
            if (start + frameBytes > pixels.Data.Length)
            {
                throw Truncated(index, pixels.Data.Length);
            }

            pixels.Data.Span.Slice((int)start, (int)frameBytes).CopyTo(frame);
        }
        else
        {
            if (start + frameBytes > pixels.Length)
            {
                throw Truncated(index, pixels.Length);
            }

            source.Position = pixels.Offset + start;
            await source.ReadExactlyAsync(frame, cancellationToken);
        }

        if (file.Dataset.IsBigEndian && bytesPerSample > 1)
        {
            for (var i = 0; i + bytesPerSample <= frame.Length; i += bytesPerSample)
            {
                frame.AsSpan(i, bytesPerSample).Reverse();
            }
        }

        return frame;
    }

    private DicomPixelDataException Truncated(int index, long available) =>
        new(index, $"frame {index + 1}: pixel data is truncated: the frame needs {frameBytes} bytes from {index * frameBytes} but only {available} are present");
}
