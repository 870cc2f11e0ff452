using VNCH.Network.Dicom;

namespace VNCH.Network.EndToEnd.Tests.Faults;

/// <summary>Small secondary-capture instances with deterministic UIDs per run (no analyser applies, so studies settle fast).</summary>
public static class SyntheticInstances
{
    public static byte[] Create(string run, int study, int instance, string? patientId = null, string? patientName = null)
    {
        var dataset = new DicomDataset()
            .Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
            .Add(DicomTags.SOPInstanceUID, DicomUid.FromName($"{run}/instance/{study}/{instance}"))
            .Add(DicomTags.StudyInstanceUID, DicomUid.FromName($"{run}/study/{study}"))
            .Add(DicomTags.SeriesInstanceUID, DicomUid.FromName($"{run}/series/{study}"))
            .Add(DicomTags.Modality, "OT")
            .Add(DicomTags.PatientID, patientId ?? $"FLT{study:D4}")
            .Add(DicomTags.PatientName, patientName ?? $"Lê^Minh {study}")
            .Add(DicomTags.StudyDate, new DateOnly(2026, 11, 1).AddDays(study % 28))
            .Add(DicomTags.InstanceNumber, instance % 10 + 1);
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, dataset);
        return stream.ToArray();
    }
}
