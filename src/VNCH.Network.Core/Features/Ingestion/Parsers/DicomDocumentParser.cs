using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Dicom;

namespace VNCH.Network.Core.Features.Ingestion.Parsers;

/// <summary>DICOM Part 10 (and headerless ACR-NEMA style) metadata through our own DICOM reader; pixels are not read.</summary>
public sealed class DicomDocumentParser : IStudyDocumentParser
{
    public const string MediaType = "application/dicom";
    public const string DefaultIssuer = "default";

    private const string MediaStorageDirectorySopClass = "1.2.840.10008.1.3.10";
    private const string WaveformSopClassPrefix = "1.2.840.10008.5.1.4.1.1.9.";

    private static readonly DicomTag MediaStorageSopClassUid = new(0x0002, 0x0002);
    private static readonly DicomTag MediaStorageSopInstanceUid = new(0x0002, 0x0003);
    private static readonly DicomTag SopClassUid = new(0x0008, 0x0016);
    private static readonly DicomTag SopInstanceUid = new(0x0008, 0x0018);
    private static readonly DicomTag StudyDate = new(0x0008, 0x0020);
    private static readonly DicomTag Modality = new(0x0008, 0x0060);
    private static readonly DicomTag StudyDescription = new(0x0008, 0x1030);
    private static readonly DicomTag PatientName = new(0x0010, 0x0010);
    private static readonly DicomTag PatientId = new(0x0010, 0x0020);
    private static readonly DicomTag IssuerOfPatientId = new(0x0010, 0x0021);
    private static readonly DicomTag PatientBirthDate = new(0x0010, 0x0030);
    private static readonly DicomTag PatientSex = new(0x0010, 0x0040);
    private static readonly DicomTag PatientAgeTag = new(0x0010, 0x1010);
    private static readonly DicomTag BodyPartExamined = new(0x0018, 0x0015);
    private static readonly DicomTag ViewPosition = new(0x0018, 0x5101);
    private static readonly DicomTag StudyInstanceUid = new(0x0020, 0x000D);
    private static readonly DicomTag SeriesInstanceUid = new(0x0020, 0x000E);
    private static readonly DicomTag SeriesNumber = new(0x0020, 0x0011);
    private static readonly DicomTag InstanceNumber = new(0x0020, 0x0013);
    private static readonly DicomTag PhotometricInterpretation = new(0x0028, 0x0004);
    private static readonly DicomTag NumberOfFrames = new(0x0028, 0x0008);
    private static readonly DicomTag Rows = new(0x0028, 0x0010);
    private static readonly DicomTag Columns = new(0x0028, 0x0011);

    public bool CanParse(string? mediaType, ReadOnlySpan<byte> head)
    {
        if (mediaType is not null)
        {
            return string.Equals(mediaType, MediaType, StringComparison.OrdinalIgnoreCase);
        }

        // Part 10 preamble + "DICM", or a bare data set starting with a group 0002/0008 element (little endian).
        return (head.Length >= 132 && head[128] == 'D' && head[129] == 'I' && head[130] == 'C' && head[131] == 'M')
            || (head.Length >= 8 && head[1] == 0x00 && head[0] is 0x02 or 0x08 && head[3] == 0x00);
    }

    public Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        DicomFile file;
        try
        {
            file = DicomReader.Read(content, DicomReadOptions.MetadataOnly);
        }
        catch (UnsupportedTransferSyntaxException ex)
        {
            throw new DocumentRejectedException(IngestReasons.TransferSyntaxNotSupported, ex.Message, ex);
        }
        catch (DicomException ex)
        {
            throw new DocumentRejectedException(IngestReasons.CannotUnderstand, $"Not a readable DICOM file: {ex.Message}", ex);
        }

        var data = file.Dataset;
        var meta = file.FileMetaInformation;
        var sopClass = Text(data, SopClassUid) ?? Text(meta, MediaStorageSopClassUid);
        if (sopClass == MediaStorageDirectorySopClass)
        {
            throw new DocumentRejectedException(IngestReasons.SopClassNotSupported, "A DICOMDIR is a media index, not a study instance; send the files it references.");
        }

        if (sopClass is null)
        {
            throw new DocumentRejectedException(IngestReasons.DatasetDoesNotMatchSopClass, "The data set has no SOP Class UID (0008,0016).");
        }

        var metaClass = Text(meta, MediaStorageSopClassUid);
        if (metaClass is not null && metaClass != sopClass)
        {
            throw new DocumentRejectedException(IngestReasons.DatasetDoesNotMatchSopClass,
                $"Media Storage SOP Class UID {metaClass} differs from the data set's SOP Class UID {sopClass}.");
        }

        var instanceUid = Text(data, SopInstanceUid) ?? Text(meta, MediaStorageSopInstanceUid)
            ?? throw new DocumentRejectedException(IngestReasons.MissingIdentifier, "The data set has no SOP Instance UID (0008,0018).");
        var studyUid = Text(data, StudyInstanceUid)
            ?? throw new DocumentRejectedException(IngestReasons.MissingIdentifier, "The data set has no Study Instance UID (0020,000D).");

        DateOnly? studyDate = data.TryGetDate(StudyDate, out var sd) ? sd : null;
        DateOnly? birthDate = data.TryGetDate(PatientBirthDate, out var bd) ? bd : null;
        var ageInDays = PatientAge.InDays(birthDate, studyDate)
            ?? (data.TryGetAge(PatientAgeTag, out var age) ? (int)Math.Round(age.ToDays()) : null);

        PatientReference? patient = null;
        if (Text(data, PatientId) is { } patientId)
        {
            patient = new PatientReference(
                Text(data, IssuerOfPatientId) ?? DefaultIssuer,
                patientId,
                data.GetPersonName(PatientName)?.Original,
                birthDate,
                Text(data, PatientSex)?.ToUpperInvariant() switch
                {
                    "M" => AdministrativeSex.Male,
                    "F" => AdministrativeSex.Female,
                    "O" => AdministrativeSex.Other,
                    _ => AdministrativeSex.Unknown,
                });
        }

        return Task.FromResult(new ParsedDocument
        {
            Kind = sopClass.StartsWith(WaveformSopClassPrefix, StringComparison.Ordinal) ? StudyKind.Ecg : StudyKind.Imaging,
            StudyUid = studyUid,
            InstanceUid = instanceUid,
            ContentType = MediaType,
            SeriesInstanceUid = Text(data, SeriesInstanceUid),
            SeriesNumber = data.TryGetInt32(SeriesNumber, out var series) ? series : null,
            InstanceNumber = data.TryGetInt32(InstanceNumber, out var number) ? number : null,
            Metadata = new InstanceMetadata(
                Modality: Text(data, Modality)?.ToUpperInvariant(),
                BodyPart: Text(data, BodyPartExamined),
                ViewPosition: Text(data, ViewPosition),
                SopClassUid: sopClass,
                TransferSyntaxUid: file.TransferSyntax.Uid,
                PhotometricInterpretation: Text(data, PhotometricInterpretation),
                Rows: data.TryGetInt32(Rows, out var rows) ? rows : null,
                Columns: data.TryGetInt32(Columns, out var columns) ? columns : null,
                NumberOfFrames: data.TryGetInt32(NumberOfFrames, out var frames) ? frames : null),
            Patient = patient,
            StudyDate = studyDate,
            PatientAgeInDays = ageInDays,
            Description = Text(data, StudyDescription),
            DicomIndex = DicomWeb.DicomInstanceAttributes.From(file),
        });
    }

    private static string? Text(DicomDataset data, DicomTag tag) =>
        data.TryGetString(tag, out var value) && value.Trim('\0', ' ') is { Length: > 0 } trimmed ? trimmed : null;
}
