using System.Globalization;
using System.Text;
using System.Xml;

namespace VNCH.Network.Signals.Ecg.Aecg;

/// <summary>Who the aECG is about and which document it is (the trial-subject wrapper of HL7 aECG carries the patient).</summary>
public sealed record AecgHeader
{
    /// <summary>AnnotatedECG/id/@root: a UUID or OID identifying the document.</summary>
    public required string DocumentId { get; init; }

    /// <summary>Issuer of the patient id (trialSubject/id/@root, an OID).</summary>
    public required string PatientIdRoot { get; init; }

    public required string PatientId { get; init; }

    public string? PatientName { get; init; }

    public DateOnly? BirthDate { get; init; }

    public Sex Sex { get; init; } = Sex.Unknown;

    public required DateTime AcquisitionTime { get; init; }

    public string? DeviceModel { get; init; }

    public string? DeviceManufacturer { get; init; }
}

/// <summary>
/// Writes an <see cref="EcgRecording"/> as an HL7 v3 annotated ECG (ANSI/HL7 V3 ECG, R1-2004), in the shape of the FDA
/// examples: the subject under componentOf/timepointEvent/…/trialSubject, one RHYTHM series whose sequenceSet holds a
/// TIME_ABSOLUTE GLIST_TS (head, increment) and one SLIST_PQ per lead (MDC_ECG_LEAD_*, origin 0 µV, scale in µV,
/// integer digits). <see cref="AecgReader"/> reads what this writes.
/// </summary>
public static class AecgWriter
{
    private const string Hl7 = "urn:hl7-org:v3";
    private const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";

    public static void Write(Stream output, EcgRecording recording, AecgHeader header, double scaleMicrovolts = 2.5)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(header);
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  " };
        using var xml = XmlWriter.Create(output, settings);
        var start = header.AcquisitionTime;
        var end = start.AddSeconds(recording.SampleCount / recording.SamplingRateHz);

        xml.WriteStartDocument();
        xml.WriteStartElement("AnnotatedECG", Hl7);
        xml.WriteAttributeString("xmlns", "xsi", null, Xsi);
        xml.WriteAttributeString("type", "Observation");
        Empty(xml, "id", ("root", header.DocumentId));
        Empty(xml, "code", ("code", "93000"), ("codeSystem", "2.16.840.1.113883.6.12"), ("codeSystemName", "CPT-4"), ("displayName", "Resting 12-lead ECG"));
        xml.WriteStartElement("effectiveTime", Hl7);
        Empty(xml, "center", ("value", Timestamp(start)));
        xml.WriteEndElement();

        xml.WriteStartElement("componentOf", Hl7);
        xml.WriteStartElement("timepointEvent", Hl7);
        xml.WriteStartElement("componentOf", Hl7);
        xml.WriteStartElement("subjectAssignment", Hl7);
        xml.WriteStartElement("subject", Hl7);
        xml.WriteStartElement("trialSubject", Hl7);
        Empty(xml, "id", ("root", header.PatientIdRoot), ("extension", header.PatientId));
        xml.WriteStartElement("subjectDemographicPerson", Hl7);
        if (header.PatientName is { Length: > 0 } name)
        {
            xml.WriteElementString("name", Hl7, name);
        }

        Empty(xml, "administrativeGenderCode", ("code", header.Sex switch { Sex.Female => "F", Sex.Male => "M", _ => "UN" }), ("codeSystem", "2.16.840.1.113883.5.1"));
        if (header.BirthDate is { } birth)
        {
            Empty(xml, "birthTime", ("value", birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture)));
        }

        xml.WriteEndElement(); // subjectDemographicPerson
        xml.WriteEndElement(); // trialSubject
        xml.WriteEndElement(); // subject
        xml.WriteEndElement(); // subjectAssignment
        xml.WriteEndElement(); // componentOf
        xml.WriteEndElement(); // timepointEvent
        xml.WriteEndElement(); // componentOf

        xml.WriteStartElement("component", Hl7);
        xml.WriteStartElement("series", Hl7);
        Empty(xml, "code", ("code", "RHYTHM"), ("codeSystem", "2.16.840.1.113883.5.4"), ("codeSystemName", "ActCode"), ("displayName", "Rhythm Waveforms"));
        xml.WriteStartElement("effectiveTime", Hl7);
        Empty(xml, "low", ("value", Timestamp(start)), ("inclusive", "true"));
        Empty(xml, "high", ("value", Timestamp(end)), ("inclusive", "false"));
        xml.WriteEndElement();
        if (header.DeviceModel is not null || header.DeviceManufacturer is not null)
        {
            xml.WriteStartElement("author", Hl7);
            xml.WriteStartElement("seriesAuthor", Hl7);
            xml.WriteStartElement("manufacturedSeriesDevice", Hl7);
            Empty(xml, "code", ("code", "RESTING_ECG"), ("codeSystem", "2.16.840.1.113883.6.24"));
            if (header.DeviceModel is { } model)
            {
                xml.WriteElementString("manufacturerModelName", Hl7, model);
            }

            xml.WriteEndElement();
            if (header.DeviceManufacturer is { } manufacturer)
            {
                xml.WriteStartElement("manufacturerOrganization", Hl7);
                xml.WriteElementString("name", Hl7, manufacturer);
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("component", Hl7);
        xml.WriteStartElement("sequenceSet", Hl7);
        xml.WriteStartElement("component", Hl7);
        xml.WriteStartElement("sequence", Hl7);
        Empty(xml, "code", ("code", "TIME_ABSOLUTE"), ("codeSystem", "2.16.840.1.113883.5.4"));
        xml.WriteStartElement("value", Hl7);
        xml.WriteAttributeString("type", Xsi, "GLIST_TS");
        Empty(xml, "head", ("value", Timestamp(start)));
        Empty(xml, "increment", ("value", Number(1 / recording.SamplingRateHz)), ("unit", "s"));
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();

        var digits = new StringBuilder();
        foreach (var lead in recording.Leads)
        {
            xml.WriteStartElement("component", Hl7);
            xml.WriteStartElement("sequence", Hl7);
            xml.WriteAttributeString("classCode", "OBS");
            Empty(xml, "code", ("code", "MDC_ECG_LEAD_" + LeadNames.Normalize(lead.Name).ToUpperInvariant()), ("codeSystem", "2.16.840.1.113883.6.24"), ("codeSystemName", "MDC"));
            xml.WriteStartElement("value", Hl7);
            xml.WriteAttributeString("type", Xsi, "SLIST_PQ");
            Empty(xml, "origin", ("value", "0"), ("unit", "uV"));
            Empty(xml, "scale", ("value", Number(scaleMicrovolts)), ("unit", "uV"));
            digits.Clear();
            foreach (var value in lead.Microvolts)
            {
                digits.Append(((long)Math.Round(value / scaleMicrovolts)).ToString(CultureInfo.InvariantCulture)).Append(' ');
            }

            xml.WriteElementString("digits", Hl7, digits.ToString().TrimEnd());
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement(); // sequenceSet
        xml.WriteEndElement(); // component
        xml.WriteEndElement(); // series
        xml.WriteEndElement(); // component
        xml.WriteEndElement(); // AnnotatedECG
        xml.WriteEndDocument();
    }

    private static void Empty(XmlWriter xml, string name, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement(name, Hl7);
        foreach (var (attribute, value) in attributes)
        {
            xml.WriteAttributeString(attribute, value);
        }

        xml.WriteEndElement();
    }

    private static string Timestamp(DateTime time) => time.ToString("yyyyMMddHHmmss.fff", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
