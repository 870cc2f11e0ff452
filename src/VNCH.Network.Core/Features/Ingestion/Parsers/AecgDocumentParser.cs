using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Signals;

namespace VNCH.Network.Core.Features.Ingestion.Parsers;

/// <summary>
/// HL7 aECG (AnnotatedECG, urn:hl7-org:v3) metadata: document id, effective time and the subject. The waveform
/// itself is read by the ECG analysers from the original.
/// </summary>
public sealed class AecgDocumentParser : IStudyDocumentParser
{
    public const string MediaType = MediaTypes.Aecg;
    private static readonly XNamespace Hl7 = "urn:hl7-org:v3";

    public bool CanParse(string? mediaType, ReadOnlySpan<byte> head)
    {
        if (string.Equals(mediaType, MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var isXml = mediaType is null || mediaType.EndsWith("/xml", StringComparison.OrdinalIgnoreCase);
        return isXml && Encoding.UTF8.GetString(head).Contains("<AnnotatedECG", StringComparison.Ordinal);
    }

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        XDocument document;
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, Async = true };
            using var reader = XmlReader.Create(content, settings);
            document = await XDocument.LoadAsync(reader, LoadOptions.None, cancellationToken);
        }
        catch (XmlException ex)
        {
            throw new DocumentRejectedException(IngestReasons.CannotUnderstand, $"Not well-formed XML: {ex.Message}", ex);
        }

        var root = document.Root;
        if (root is null || root.Name != Hl7 + "AnnotatedECG")
        {
            throw new DocumentRejectedException(IngestReasons.CannotUnderstand, $"The XML root is '{root?.Name.LocalName}', not HL7 v3 AnnotatedECG.");
        }

        var id = Identifier(root.Element(Hl7 + "id"))
            ?? throw new DocumentRejectedException(IngestReasons.MissingIdentifier, "The AnnotatedECG has no id/@root.");
        var effective = root.Element(Hl7 + "effectiveTime");
        var time = Hl7Date(effective?.Element(Hl7 + "center")?.Attribute("value")?.Value
            ?? effective?.Element(Hl7 + "low")?.Attribute("value")?.Value);

        var trialSubject = root.Descendants(Hl7 + "trialSubject").FirstOrDefault();
        var person = trialSubject?.Element(Hl7 + "subjectDemographicPerson");
        var subjectId = trialSubject?.Element(Hl7 + "id");
        PatientReference? patient = null;
        if (subjectId?.Attribute("extension")?.Value is { Length: > 0 } patientId)
        {
            patient = new PatientReference(
                subjectId.Attribute("root")?.Value ?? "unspecified",
                patientId,
                person?.Element(Hl7 + "name")?.Value,
                Hl7Date(person?.Element(Hl7 + "birthTime")?.Attribute("value")?.Value),
                AdministrativeSexCodes.FromHl7V3(person?.Element(Hl7 + "administrativeGenderCode")?.Attribute("code")?.Value));
        }

        return new ParsedDocument
        {
            Kind = StudyKind.Ecg,
            StudyUid = id,
            InstanceUid = id,
            ContentType = MediaType,
            Metadata = new InstanceMetadata(Modality: "ECG"),
            Patient = patient,
            StudyDate = time,
            PatientAgeInDays = PatientAge.TryDaysBetween(patient?.BirthDate, time),
            Description = root.Element(Hl7 + "code")?.Attribute("displayName")?.Value,
        };
    }

    private static string? Identifier(XElement? id) =>
        id?.Attribute("root")?.Value is { Length: > 0 } root
            ? id.Attribute("extension")?.Value is { Length: > 0 } extension ? $"{root}^{extension}" : root
            : null;

    /// <summary>HL7 TS: YYYYMMDD[HHMM[SS]]...; only the date part matters here.</summary>
    private static DateOnly? Hl7Date(string? value) =>
        value is { Length: >= 8 } && DateOnly.TryParseExact(value[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
}
