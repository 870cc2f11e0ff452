using System.Text;
using System.Text.Json;
using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Json;

namespace VNCH.Network.Core.Features.DicomWeb;

/// <summary>
/// The attributes of one DICOM instance that the index keeps: the matching keys of PS3.18 Table 10.6.1-5 as values,
/// and the instance's top-level attributes as DICOM JSON (for return attributes and includefield), pixel data, other
/// bulk data and the per-frame functional groups left out.
/// </summary>
public sealed record DicomInstanceAttributes
{
    private const int InlineBinaryLimit = 64;

    public required string StudyInstanceUid { get; init; }

    public required string SeriesInstanceUid { get; init; }

    public required string SopInstanceUid { get; init; }

    public required string SopClassUid { get; init; }

    public required string TransferSyntaxUid { get; init; }

    public string? PatientName { get; init; }

    public string? PatientId { get; init; }

    public string? AccessionNumber { get; init; }

    /// <summary>YYYYMMDD as stored.</summary>
    public string? StudyDate { get; init; }

    public string? StudyTime { get; init; }

    public string? ReferringPhysicianName { get; init; }

    /// <summary>Study ID (0020,0010), the department's id, not the network's study id.</summary>
    public string? StudyIdentifier { get; init; }

    public string? Modality { get; init; }

    public int? SeriesNumber { get; init; }

    public string? PerformedProcedureStepStartDate { get; init; }

    public string? PerformedProcedureStepStartTime { get; init; }

    /// <summary>Request Attributes Sequence → Scheduled Procedure Step ID (first item).</summary>
    public string? ScheduledProcedureStepId { get; init; }

    /// <summary>Request Attributes Sequence → Requested Procedure ID (first item).</summary>
    public string? RequestedProcedureId { get; init; }

    public int? InstanceNumber { get; init; }

    public int? NumberOfFrames { get; init; }

    /// <summary>DICOM JSON object of the instance's top-level attributes (no bulk data).</summary>
    public required string Json { get; init; }

    /// <summary>The attributes of a read DICOM file; null when it lacks a study, series or instance UID.</summary>
    public static DicomInstanceAttributes? From(DicomFile file)
    {
        var data = file.Dataset;
        var meta = file.FileMetaInformation;
        var study = Text(data, DicomTags.StudyInstanceUID);
        var series = Text(data, DicomTags.SeriesInstanceUID);
        var instance = Text(data, DicomTags.SOPInstanceUID) ?? Text(meta, DicomTags.MediaStorageSOPInstanceUID);
        var sopClass = Text(data, DicomTags.SOPClassUID) ?? Text(meta, DicomTags.MediaStorageSOPClassUID);
        if (study is null || series is null || instance is null || sopClass is null)
        {
            return null;
        }

        var request = data.GetSequence(DicomTags.RequestAttributesSequence).FirstOrDefault();
        return new DicomInstanceAttributes
        {
            StudyInstanceUid = study,
            SeriesInstanceUid = series,
            SopInstanceUid = instance,
            SopClassUid = sopClass,
            TransferSyntaxUid = file.TransferSyntax.Uid,
            PatientName = Text(data, DicomTags.PatientName),
            PatientId = Text(data, DicomTags.PatientID),
            AccessionNumber = Text(data, DicomTags.AccessionNumber),
            StudyDate = Text(data, DicomTags.StudyDate),
            StudyTime = Text(data, DicomTags.StudyTime),
            ReferringPhysicianName = Text(data, DicomTags.ReferringPhysicianName),
            StudyIdentifier = Text(data, DicomTags.StudyID),
            Modality = Text(data, DicomTags.Modality),
            SeriesNumber = data.TryGetInt32(DicomTags.SeriesNumber, out var seriesNumber) ? seriesNumber : null,
            PerformedProcedureStepStartDate = Text(data, DicomTags.PerformedProcedureStepStartDate),
            PerformedProcedureStepStartTime = Text(data, DicomTags.PerformedProcedureStepStartTime),
            ScheduledProcedureStepId = request is null ? null : Text(request, DicomTags.ScheduledProcedureStepID),
            RequestedProcedureId = request is null ? null : Text(request, DicomTags.RequestedProcedureID),
            InstanceNumber = data.TryGetInt32(DicomTags.InstanceNumber, out var instanceNumber) ? instanceNumber : null,
            NumberOfFrames = data.TryGetInt32(DicomTags.NumberOfFrames, out var frames) ? frames : null,
            Json = ToJson(data),
        };
    }

    private static string ToJson(DicomDataset data)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            var options = new DicomJsonOptions { InlineBinaryLimit = InlineBinaryLimit };
            writer.WriteStartObject();
            foreach (var element in data.AsSpan())
            {
                if (element.Tag.Group is 0x7FE0 or 0xFFFE || element.Tag.Element == 0 || element.Tag == DicomTags.PerFrameFunctionalGroupsSequence)
                {
                    continue;
                }

                DicomJsonWriter.WriteElement(writer, data, element, options);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string? Text(DicomDataset data, DicomTag tag) =>
        data.TryGetString(tag, out var value) && value.Trim('\0', ' ') is { Length: > 0 } trimmed ? trimmed : null;
}
