using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion.Budgets;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Audiometry;

namespace VNCH.Network.Core.Features.Ingestion.Parsers;

/// <summary>
/// Audiogram JSON (docs/audiogram.md), validated in full by the signals reader so an invalid document is rejected at
/// ingestion with every problem listed. One document per visit: the visit (issuer, patient, test date) is both the
/// study and the instance identity, so a corrected re-send with other content is a visible conflict.
/// </summary>
public sealed class AudiogramDocumentParser(InputBudget? budget = null) : IStudyDocumentParser
{
    public const string MediaType = MediaTypes.Audiogram;
    private readonly InputBudgetOptions limits = (budget ?? InputBudget.Default).Limits;

    /// <summary>Declared, or an undeclared JSON object that is not a FHIR resource (those are the FHIR parser's).</summary>
    public bool CanParse(string? mediaType, ReadOnlySpan<byte> head) =>
        string.Equals(mediaType, MediaType, StringComparison.OrdinalIgnoreCase)
        || (JsonHead.IsUndeclaredJson(mediaType) && JsonHead.IsObject(head) && !JsonHead.IsFhirResource(head));

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        var json = await JsonBudget.ReadAsync(content, limits, cancellationToken);
        return Parse(() => AudiogramReader.Read(json), MediaType);
    }

    /// <summary>
    /// What ingestion records of an audiogram, whichever form it came in; a format error becomes a rejection with
    /// every problem listed.
    /// </summary>
    internal static ParsedDocument Parse(Func<AudiogramDocument> read, string contentType)
    {
        AudiogramDocument document;
        try
        {
            document = read();
        }
        catch (SignalFormatException ex)
        {
            throw new DocumentRejectedException(IngestReasons.CannotUnderstand, ex.Message, ex);
        }

        var patient = document.Patient;
        var issuer = string.IsNullOrWhiteSpace(patient.Issuer) ? DicomDocumentParser.DefaultIssuer : patient.Issuer;
        var visit = $"audiogram:{issuer}|{patient.Id}|{document.TestDate:yyyy-MM-dd}";
        return new ParsedDocument
        {
            Kind = StudyKind.Audiogram,
            StudyUid = visit,
            InstanceUid = visit,
            ContentType = contentType,
            Metadata = new InstanceMetadata(Modality: "AU"),
            Patient = new PatientReference(issuer, patient.Id, null, patient.BirthDate, AdministrativeSexCodes.FromFhir(patient.Sex)),
            StudyDate = document.TestDate,
            PatientAgeInDays = document.AgeDays,
            Description = "Pure-tone audiometry",
        };
    }
}
