namespace VNCH.Network.Dicom.Imaging;

/// <summary>
/// Pixel data that cannot be turned into an image: incoherent attributes, truncated or corrupt data, limits exceeded.
/// The message names the frame when one is concerned, so ingestion can record it as the failure reason.
/// </summary>
public sealed class DicomPixelDataException : DicomException
{
    public DicomPixelDataException(string message) : base(message)
    {
    }

    public DicomPixelDataException(string message, Exception inner) : base(message, inner)
    {
    }

    public DicomPixelDataException(int frameIndex, string message)
        : base($"frame {frameIndex}: {message}")
    {
        FrameIndex = frameIndex;
    }

    public DicomPixelDataException(int frameIndex, string message, Exception inner)
        : base($"frame {frameIndex}: {message}", inner)
    {
        FrameIndex = frameIndex;
    }

    /// <summary>The zero-based frame the error is about, or null when it concerns the whole image.</summary>
    public int? FrameIndex { get; }
}
