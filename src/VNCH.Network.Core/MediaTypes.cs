namespace VNCH.Network.Core;

/// <summary>The media types the network reads and writes: the one list both hosts, the parsers and the API use.</summary>
public static class MediaTypes
{
    /// <summary>DICOM Part 10 (PS3.18 §8.7.3).</summary>
    public const string Dicom = "application/dicom";

    /// <summary>DICOM JSON model (PS3.18 Annex F): STOW-RS responses, QIDO-RS and metadata.</summary>
    public const string DicomJson = "application/dicom+json";

    /// <summary>HL7 aECG XML.</summary>
    public const string Aecg = "application/hl7-aecg+xml";

    /// <summary>The network's audiogram JSON document (docs/audiogram.md).</summary>
    public const string Audiogram = "application/vnd.vnch.audiogram+json";

    /// <summary>FHIR R4 JSON: audiogram Bundles in, study Bundles out.</summary>
    public const string FhirJson = "application/fhir+json";

    public const string Json = "application/json";

    /// <summary>Report tables as comma-separated values (RFC 4180).</summary>
    public const string Csv = "text/csv";

    /// <summary>IHE QRPH Aggregate Data Exchange XML (urn:ihe:qrph:adx:2015), as DHIS2 imports it.</summary>
    public const string Adx = "application/adx+xml";

    /// <summary>DHIS2 dataValueSets JSON (Web API /api/dataValueSets).</summary>
    public const string Dhis2DataValueSets = "application/vnd.dhis2.datavaluesets+json";

    public const string Xml = "application/xml";

    public const string TextXml = "text/xml";

    public const string MultipartRelated = "multipart/related";

    public const string OctetStream = "application/octet-stream";

    /// <summary>Rendered DICOM images (WADO-RS /rendered).</summary>
    public const string Png = "image/png";

    public const string Jpeg = "image/jpeg";

    /// <summary>What a file's extension says when it arrives with no declared type (inbox files); null lets the parsers sniff.</summary>
    public static string? ForFileName(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".xml" => Xml,
        ".json" => Json, // Audiogram JSON or an audiogram FHIR Bundle: the parsers tell them apart by content.
        _ => null, // DICOM files often have no extension: the parsers sniff the content.
    };
}
