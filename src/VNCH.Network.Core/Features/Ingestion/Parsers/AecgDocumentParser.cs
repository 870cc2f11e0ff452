using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion.Budgets;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Signals;

namespace VNCH.Network.Core.Features.Ingestion.Parsers;

/// <summary>
/// HL7 aECG (AnnotatedECG, urn:hl7-org:v3) metadata: document id, effective time and the subject. The waveform
/// itself is read by the ECG analysers from the original. Read forward-only within the XML budget (size, depth,
/// element count; no DTD, so no entity expansion): a hostile document costs bounded memory and is refused with the
/// limit it broke.
/// </summary>
public sealed class AecgDocumentParser(InputBudget? budget = null) : IStudyDocumentParser
{
    public const string MediaType = MediaTypes.Aecg;
    private static readonly XNamespace Hl7 = "urn:hl7-org:v3";
    private readonly InputBudgetOptions limits = (budget ?? InputBudget.Default).Limits;

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
        AecgHeader header;
        try
        {
            var bounded = new BoundedReadStream(content, limits.MaxXmlBytes, BudgetReasons.DocumentTooLarge, "The XML document");
            var settings = new XmlReaderSettings
            {
                // No DTD: no entity is ever declared, so none can expand (billion laughs) or reach out (XXE).
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                Async = true,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
                MaxCharactersFromEntities = 0,
            };
            using var reader = XmlReader.Create(bounded, settings);
            header = await ReadHeaderAsync(reader, cancellationToken);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.Ordinal))
        {
            // The reader refuses the DOCTYPE itself (DtdProcessing.Prohibit); say which limit the sender met.
            throw new InputBudgetExceededException(BudgetReasons.DtdNotAllowed, isTooLarge: false,
                "The XML document has a DOCTYPE; document type definitions and entities are not accepted.");
        }
        catch (XmlException ex)
        {
            throw new DocumentRejectedException(IngestReasons.CannotUnderstand, $"Not well-formed XML: {ex.Message}", ex);
        }

        var id = header.Id ?? throw new DocumentRejectedException(IngestReasons.MissingIdentifier, "The AnnotatedECG has no id/@root.");
        PatientReference? patient = null;
        if (header.SubjectExtension is { Length: > 0 } patientId)
        {
            patient = new PatientReference(
                header.SubjectRoot ?? "unspecified",
                patientId,
                header.Name,
                Hl7Date(header.BirthTime),
                AdministrativeSexCodes.FromHl7V3(header.Gender));
        }

        var time = Hl7Date(header.Center ?? header.Low);
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
            Description = header.Description,
        };
    }

    /// <summary>What the parser keeps of the document: first occurrences, in document order.</summary>
    private sealed class AecgHeader
    {
        public string? Id;
        public string? Center;
        public string? Low;
        public string? Description;
        public string? SubjectRoot;
        public string? SubjectExtension;
        public string? Name;
        public string? BirthTime;
        public string? Gender;
    }

    /// <summary>
    /// Walks the whole document (it must be well-formed to the end) within the depth and element budget, picking up
    /// the root's id, effectiveTime and code and the first trialSubject's id and demographics.
    /// </summary>
    private async Task<AecgHeader> ReadHeaderAsync(XmlReader reader, CancellationToken cancellationToken)
    {
        var header = new AecgHeader();
        var elements = 0;
        var rootSeen = false;
        var subjectDepth = -1; // depth of the first trialSubject while inside it
        var subjectDone = false;
        var effectiveTimeDepth = -1;
        var personDepth = -1;
        var codeSeen = false;
        var positioned = false; // XNode.ReadFromAsync leaves the reader on the next node already
        while (positioned ? !reader.EOF : await reader.ReadAsync())
        {
            positioned = false;
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.NodeType == XmlNodeType.EndElement)
            {
                if (reader.Depth == subjectDepth)
                {
                    subjectDepth = -1;
                    subjectDone = true;
                }

                if (reader.Depth == effectiveTimeDepth)
                {
                    effectiveTimeDepth = -1;
                }

                if (reader.Depth == personDepth)
                {
                    personDepth = -1;
                }

                continue;
            }

            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (++elements > limits.MaxXmlElements)
            {
                throw new InputBudgetExceededException(BudgetReasons.TooManyElements, isTooLarge: false,
                    $"The XML document has more than {limits.MaxXmlElements} elements.");
            }

            var depth = reader.Depth;
            if (depth >= limits.MaxXmlDepth)
            {
                throw new InputBudgetExceededException(BudgetReasons.TooDeep, isTooLarge: false,
                    $"The XML document nests elements deeper than {limits.MaxXmlDepth} levels.");
            }

            var name = reader.NamespaceURI == Hl7.NamespaceName ? reader.LocalName : null;
            if (!rootSeen)
            {
                rootSeen = true;
                if (name != "AnnotatedECG")
                {
                    throw new DocumentRejectedException(IngestReasons.CannotUnderstand, $"The XML root is '{reader.LocalName}', not HL7 v3 AnnotatedECG.");
                }

                continue;
            }

            switch (name)
            {
                case "id" when depth == 1 && header.Id is null:
                    header.Id = Identifier(reader.GetAttribute("root"), reader.GetAttribute("extension"));
                    break;
                case "effectiveTime" when depth == 1 && !reader.IsEmptyElement:
                    effectiveTimeDepth = depth;
                    break;
                case "center" when depth == effectiveTimeDepth + 1 && effectiveTimeDepth >= 0:
                    header.Center ??= reader.GetAttribute("value");
                    break;
                case "low" when depth == effectiveTimeDepth + 1 && effectiveTimeDepth >= 0:
                    header.Low ??= reader.GetAttribute("value");
                    break;
                case "code" when depth == 1 && !codeSeen:
                    codeSeen = true;
                    header.Description = reader.GetAttribute("displayName");
                    break;
                case "trialSubject" when subjectDepth < 0 && !subjectDone:
                    subjectDepth = depth;
                    subjectDone = reader.IsEmptyElement;
                    if (subjectDone)
                    {
                        subjectDepth = -1;
                    }

                    break;
                case "id" when subjectDepth >= 0 && depth == subjectDepth + 1 && header.SubjectExtension is null && header.SubjectRoot is null:
                    header.SubjectRoot = reader.GetAttribute("root");
                    header.SubjectExtension = reader.GetAttribute("extension");
                    break;
                case "subjectDemographicPerson" when subjectDepth >= 0 && depth == subjectDepth + 1 && !reader.IsEmptyElement:
                    personDepth = depth;
                    break;
                case "name" when personDepth >= 0 && depth == personDepth + 1 && header.Name is null:
                    // The document is within the byte budget, so one name element costs at most that.
                    header.Name = (await XNode.ReadFromAsync(reader, cancellationToken) as XElement)?.Value;
                    positioned = true;
                    break;
                case "birthTime" when personDepth >= 0 && depth == personDepth + 1:
                    header.BirthTime ??= reader.GetAttribute("value");
                    break;
                case "administrativeGenderCode" when personDepth >= 0 && depth == personDepth + 1:
                    header.Gender ??= reader.GetAttribute("code");
                    break;
            }
        }

        if (!rootSeen)
        {
            throw new DocumentRejectedException(IngestReasons.CannotUnderstand, "The XML document has no root element.");
        }

        return header;
    }

    private static string? Identifier(string? root, string? extension) =>
        root is { Length: > 0 }
            ? extension is { Length: > 0 } ? $"{root}^{extension}" : root
            : null;

    /// <summary>HL7 TS: YYYYMMDD[HHMM[SS]]...; only the date part matters here.</summary>
    private static DateOnly? Hl7Date(string? value) =>
        value is { Length: >= 8 } && DateOnly.TryParseExact(value[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;
}
