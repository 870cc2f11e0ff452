using System.Buffers;
using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Imaging;
using VNCH.Network.Inference.Manifests;

namespace VNCH.Network.Inference.Imaging;

/// <summary>
/// One DICOM image made ready for the imaging models: the first frame rendered to display-ready 8-bit grayscale by the
/// pixel pipeline (Modality LUT, VOI LUT or window, MONOCHROME1 inverted so bright = dense), plus the attributes that
/// decide which models apply and the SOP Instance UID that results are recorded against. The gray8 plane (a large
/// object: 0.3 MB for a small radiograph) is rented from the shared array pool: dispose the input to return it, so
/// analysing one image after another reuses the same buffer instead of allocating on the large-object heap each time.
/// </summary>
public sealed class DicomImageInput : IDisposable
{
    public const string StudyKind = "imaging";

    private byte[]? gray8;

    private DicomImageInput(string sopInstanceUid, ImagingAttributes attributes, byte[] rentedGray8, int width, int height)
    {
        SopInstanceUid = sopInstanceUid;
        Attributes = attributes;
        gray8 = rentedGray8;
        Width = width;
        Height = height;
    }

    public string SopInstanceUid { get; }

    public ImagingAttributes Attributes { get; }

    /// <summary>The rendered frame, row by row (<see cref="Width"/> × <see cref="Height"/> bytes); valid until disposed.</summary>
    public ReadOnlySpan<byte> Gray8 => (gray8 ?? throw new ObjectDisposedException(nameof(DicomImageInput))).AsSpan(0, Width * Height);

    public int Width { get; }

    public int Height { get; }

    public void Dispose()
    {
        var rented = Interlocked.Exchange(ref gray8, null);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static DicomImageInput ReadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream);
    }

    /// <summary>Reads a Part 10 file from the stream's current position (non-seekable streams, e.g. blob
    /// downloads, are buffered first because pixel frames are read on demand).</summary>
    public static DicomImageInput Read(Stream stream, GrayscaleRenderOptions? render = null)
    {
        if (!stream.CanSeek)
        {
            var buffered = new MemoryStream();
            stream.CopyTo(buffered);
            buffered.Position = 0;
            stream = buffered;
        }

        using var file = DicomReader.Read(stream);
        var dataset = file.Dataset;
        var pixels = DicomPixelFrames.FromFile(file, stream);
        using var frame = pixels.DecodeFrame(0);
        var attributes = new ImagingAttributes(
            StudyKind,
            Trimmed(dataset.GetStringOrNull(DicomTags.Modality)),
            Trimmed(dataset.GetStringOrNull(DicomTags.BodyPartExamined)),
            Trimmed(dataset.GetStringOrNull(DicomTags.ViewPosition)),
            Trimmed(dataset.GetStringOrNull(DicomTags.SOPClassUID)));
        var sopInstanceUid = Trimmed(dataset.GetStringOrNull(DicomTags.SOPInstanceUID))
            ?? throw new DicomException("the image has no SOP Instance UID (0008,0018); results could not be traced to it");
        var gray8 = ArrayPool<byte>.Shared.Rent(frame.Info.PixelsPerFrame);
        try
        {
            GrayscaleRenderer.ToGray8(frame, gray8, render ?? GrayscaleRenderOptions.Default);
            return new DicomImageInput(sopInstanceUid, attributes, gray8, frame.Columns, frame.Rows);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(gray8);
            throw;
        }
    }

    private static string? Trimmed(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().TrimEnd('\0');
}
