using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Imaging;
using VNCH.Network.Inference.Manifests;

namespace VNCH.Network.Inference.Imaging;

/// <summary>
/// One DICOM image made ready for the imaging models: the first frame rendered to display-ready 8-bit grayscale by the
/// pixel pipeline (Modality LUT, VOI LUT or window, MONOCHROME1 inverted so bright = dense), plus the attributes that
/// decide which models apply and the SOP Instance UID that results are recorded against.
/// </summary>
public sealed record DicomImageInput(string SopInstanceUid, ImagingAttributes Attributes, byte[] Gray8, int Width, int Height)
{
    public const string StudyKind = "imaging";

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

        var file = DicomReader.Read(stream);
        var dataset = file.Dataset;
        var pixels = DicomPixelFrames.FromFile(file, stream);
        using var frame = pixels.DecodeFrame(0);
        var gray8 = GrayscaleRenderer.ToGray8(frame, render ?? GrayscaleRenderOptions.Default);
        var attributes = new ImagingAttributes(
            StudyKind,
            Trimmed(dataset.GetStringOrNull(DicomTags.Modality)),
            Trimmed(dataset.GetStringOrNull(DicomTags.BodyPartExamined)),
            Trimmed(dataset.GetStringOrNull(DicomTags.ViewPosition)),
            Trimmed(dataset.GetStringOrNull(DicomTags.SOPClassUID)));
        var sopInstanceUid = Trimmed(dataset.GetStringOrNull(DicomTags.SOPInstanceUID))
            ?? throw new DicomException("the image has no SOP Instance UID (0008,0018); results could not be traced to it");
        return new DicomImageInput(sopInstanceUid, attributes, gray8, frame.Columns, frame.Rows);
    }

    private static string? Trimmed(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim().TrimEnd('\0');
}
