using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Core.Features.Ingestion;

/// <summary>
/// Reads the metadata of one document kind (DICOM Part 10, HL7 aECG, audiogram JSON). Parsers are pure: the
/// ingestion handler stores the original first and then hands the stored bytes to the parser that claims them.
/// </summary>
public interface IStudyDocumentParser
{
    /// <summary>
    /// Whether this parser handles the document, judged by the declared media type (null for inbox files) and the
    /// first bytes (up to 1 KiB).
    /// </summary>
    bool CanParse(string? mediaType, ReadOnlySpan<byte> head);

    /// <summary>Parses; throws <see cref="DocumentRejectedException"/> (or any exception) for an unusable document.</summary>
    Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken);
}

/// <summary>What ingestion needs from a document; everything else stays in the original.</summary>
public sealed record ParsedDocument
{
    public required StudyKind Kind { get; init; }

    /// <summary>Study Instance UID (DICOM) or the document's study/set id.</summary>
    public required string StudyUid { get; init; }

    /// <summary>SOP Instance UID (DICOM) or the document id.</summary>
    public required string InstanceUid { get; init; }

    public required string ContentType { get; init; }

    public string? SeriesInstanceUid { get; init; }

    public int? SeriesNumber { get; init; }

    public int? InstanceNumber { get; init; }

    public InstanceMetadata Metadata { get; init; } = new();

    public PatientReference? Patient { get; init; }

    public DateOnly? StudyDate { get; init; }

    public int? PatientAgeInDays { get; init; }

    public string? Description { get; init; }

    /// <summary>DICOM only: what the DICOMweb index keeps of the instance (null for other kinds).</summary>
    public DicomWeb.DicomInstanceAttributes? DicomIndex { get; init; }
}

/// <summary>The document is unusable; <see cref="ReasonCode"/> is one of <see cref="IngestReasons"/>.</summary>
public sealed class DocumentRejectedException(string reasonCode, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string ReasonCode { get; } = reasonCode;
}
