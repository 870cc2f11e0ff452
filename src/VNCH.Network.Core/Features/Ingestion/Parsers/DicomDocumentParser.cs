using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion.Budgets;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Dicom;
using VNCH.Network.Signals;

namespace VNCH.Network.Core.Features.Ingestion.Parsers;

/// <summary>
/// DICOM Part 10 (and headerless ACR-NEMA style) metadata through our own DICOM reader. The pixel data is walked to
/// its end without being kept (every fragment and the sequence delimiter must be there), so a file cut short is
/// refused before it is acknowledged; the budget's limits (nesting, element size, inflation) apply.
/// </summary>
public sealed class DicomDocumentParser(InputBudget? budget = null) : IStudyDocumentParser
{
    private readonly InputBudget budget = budget ?? InputBudget.Default;

    public const string MediaType = MediaTypes.Dicom;
    public const string DefaultIssuer = "default";

    private const string MediaStorageDirectorySopClass = "1.2.840.10008.1.3.10";
    private const string WaveformSopClassPrefix = "1.2.840.10008.5.1.4.1.1.9.";

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
        var counted = new CountedUpload(content);
        try
        {
            file = DicomReader.Read(counted, budget.DicomIngestion);
        }
        catch (DicomLimitExceededException ex) when (ex is { Limit: DicomLimit.ElementLength, DeclaredLength: { } declared, Offset: { } at }
            && !counted.HoldsAtLeast(at + declared))
        {
            // A length longer than the whole upload is a cut or garbled file, not a large one.
            throw new DocumentRejectedException(IngestReasons.CannotUnderstand,
                $"Not a readable DICOM file: an element at byte offset {at} declares {declared} bytes, more than the document holds.", ex);
        }
        catch (DicomLimitExceededException ex)
        {
            throw new InputBudgetExceededException(BudgetReasons.For(ex.Limit), isTooLarge: ex.Limit != DicomLimit.NestingDepth, ex.Message);
        }
        catch (UnsupportedTransferSyntaxException ex)
        {
            throw new DocumentRejectedException(IngestReasons.TransferSyntaxNotSupported, ex.Message, ex);
        }
        catch (DicomException ex)
        {
            throw new DocumentRejectedException(IngestReasons.CannotUnderstand, $"Not a readable DICOM file: {ex.Message}", ex);
        }

        // Everything the document keeps is converted (strings, numbers) before the file's buffers go back to the pool.
        using (file)
        {
            return Task.FromResult(Describe(file));
        }
    }

    private static ParsedDocument Describe(DicomFile file)
    {
        var data = file.Dataset;
        var meta = file.FileMetaInformation;
        var sopClass = Text(data, DicomTags.SOPClassUID) ?? Text(meta, DicomTags.MediaStorageSOPClassUID);
        if (sopClass == MediaStorageDirectorySopClass)
        {
            throw new DocumentRejectedException(IngestReasons.SopClassNotSupported, "A DICOMDIR is a media index, not a study instance; send the files it references.");
        }

        if (sopClass is null)
        {
            throw new DocumentRejectedException(IngestReasons.DatasetDoesNotMatchSopClass, "The data set has no SOP Class UID (0008,0016).");
        }

        var metaClass = Text(meta, DicomTags.MediaStorageSOPClassUID);
        if (metaClass is not null && metaClass != sopClass)
        {
            throw new DocumentRejectedException(IngestReasons.DatasetDoesNotMatchSopClass,
                $"Media Storage SOP Class UID {metaClass} differs from the data set's SOP Class UID {sopClass}.");
        }

        var instanceUid = Text(data, DicomTags.SOPInstanceUID) ?? Text(meta, DicomTags.MediaStorageSOPInstanceUID)
            ?? throw new DocumentRejectedException(IngestReasons.MissingIdentifier, "The data set has no SOP Instance UID (0008,0018).");
        var studyUid = Text(data, DicomTags.StudyInstanceUID)
            ?? throw new DocumentRejectedException(IngestReasons.MissingIdentifier, "The data set has no Study Instance UID (0020,000D).");

        DateOnly? studyDate = data.TryGetDate(DicomTags.StudyDate, out var sd) ? sd : null;
        DateOnly? birthDate = data.TryGetDate(DicomTags.PatientBirthDate, out var bd) ? bd : null;
        var ageInDays = PatientAge.TryDaysBetween(birthDate, studyDate)
            ?? (data.TryGetAge(DicomTags.PatientAge, out var age) ? PatientAge.FromDicomAge(age) : null);

        PatientReference? patient = null;
        if (Text(data, DicomTags.PatientID) is { } patientId)
        {
            patient = new PatientReference(
                Text(data, DicomTags.IssuerOfPatientID) ?? DefaultIssuer,
                patientId,
                data.GetPersonName(DicomTags.PatientName)?.Original,
                birthDate,
                AdministrativeSexCodes.FromDicom(Text(data, DicomTags.PatientSex)));
        }

        return new ParsedDocument
        {
            Kind = sopClass.StartsWith(WaveformSopClassPrefix, StringComparison.Ordinal) ? StudyKind.Ecg : StudyKind.Imaging,
            StudyUid = studyUid,
            InstanceUid = instanceUid,
            ContentType = MediaType,
            SeriesInstanceUid = Text(data, DicomTags.SeriesInstanceUID),
            SeriesNumber = data.TryGetInt32(DicomTags.SeriesNumber, out var series) ? series : null,
            InstanceNumber = data.TryGetInt32(DicomTags.InstanceNumber, out var number) ? number : null,
            Metadata = new InstanceMetadata(
                Modality: Text(data, DicomTags.Modality)?.ToUpperInvariant(),
                BodyPart: Text(data, DicomTags.BodyPartExamined),
                ViewPosition: Text(data, DicomTags.ViewPosition),
                SopClassUid: sopClass,
                TransferSyntaxUid: file.TransferSyntax.Uid,
                PhotometricInterpretation: Text(data, DicomTags.PhotometricInterpretation),
                Rows: data.TryGetInt32(DicomTags.Rows, out var rows) ? rows : null,
                Columns: data.TryGetInt32(DicomTags.Columns, out var columns) ? columns : null,
                NumberOfFrames: data.TryGetInt32(DicomTags.NumberOfFrames, out var frames) ? frames : null),
            Patient = patient,
            StudyDate = studyDate,
            PatientAgeInDays = ageInDays,
            Description = Text(data, DicomTags.StudyDescription),
            DicomIndex = DicomWeb.DicomInstanceAttributes.From(file),
        };
    }

    /// <summary>The upload as the reader sees it, counted, so a declared length can be judged against the whole.</summary>
    private sealed class CountedUpload(Stream inner) : Stream
    {
        private long read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => read;
            set => throw new NotSupportedException();
        }

        /// <summary>Whether the whole upload holds at least <paramref name="bytes"/> (reads, and drops, what is left).</summary>
        public bool HoldsAtLeast(long bytes)
        {
            var scratch = new byte[81920];
            int n;
            while (read < bytes && (n = inner.Read(scratch, 0, scratch.Length)) > 0)
            {
                read += n;
            }

            return read >= bytes;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            read += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static string? Text(DicomDataset data, DicomTag tag) =>
        data.TryGetString(tag, out var value) && value.Trim('\0', ' ') is { Length: > 0 } trimmed ? trimmed : null;
}
