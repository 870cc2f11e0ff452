using System.ComponentModel.DataAnnotations;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Signals.Ecg.Aecg;

namespace VNCH.Network.Core.Features.Ingestion.Budgets;

/// <summary>
/// The one owner of every size and shape limit on untrusted input (issue 13 item 3, ADR 0100): each reader and
/// each request is checked against these while it streams, and a breach is answered 413 (too large) or 400 (bad
/// shape) with a specific problem type. Validated at start.
/// </summary>
public sealed class InputBudgetOptions
{
    public const string Section = "Vnch:InputBudgets";

    private const long MiB = 1024 * 1024;

    /// <summary>A whole HTTP upload request (every part together).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBytes { get; set; } = 2048 * MiB;

    /// <summary>One DICOM document (a single upload or one multipart part).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxDicomBytes { get; set; } = 1024 * MiB;

    /// <summary>Deepest DICOM sequence nesting accepted.</summary>
    [Range(1, 1000)]
    public int MaxDicomSequenceDepth { get; set; } = 32;

    /// <summary>Largest DICOM element value kept in memory while reading metadata (pixel data is walked, never kept).</summary>
    [Range(1024, int.MaxValue - 64)]
    public long MaxDicomElementBytes { get; set; } = 64 * MiB;

    /// <summary>Largest inflated size of a deflated DICOM data set (1.2.840.10008.1.2.1.99).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxInflatedBytes { get; set; } = 256 * MiB;

    /// <summary>Largest inflated/compressed ratio (with a 1 MiB allowance) before a deflated data set is a bomb.</summary>
    [Range(2, 100_000)]
    public int MaxInflationRatio { get; set; } = 200;

    /// <summary>Deflated data sets inflated at once in this process; later ones wait their turn.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentInflations { get; set; } = 2;

    /// <summary>One XML document (HL7 aECG); at most what the ECG reader itself accepts.</summary>
    [Range(1024, AecgReader.MaxCharacters)]
    public long MaxXmlBytes { get; set; } = 64 * MiB;

    /// <summary>Deepest XML element nesting accepted.</summary>
    [Range(4, 1000)]
    public int MaxXmlDepth { get; set; } = 64;

    /// <summary>Most XML elements in one document.</summary>
    [Range(16, int.MaxValue)]
    public int MaxXmlElements { get; set; } = 200_000;

    /// <summary>One JSON document (audiogram or FHIR Bundle); at most what the audiogram reader itself accepts.</summary>
    [Range(1024, AudiogramReader.MaxDocumentBytes)]
    public long MaxJsonBytes { get; set; } = AudiogramReader.MaxDocumentBytes;

    /// <summary>Deepest JSON nesting accepted (a FHIR Bundle of Observations needs about 8).</summary>
    [Range(4, 64)]
    public int MaxJsonDepth { get; set; } = 16;

    /// <summary>Most parts in one multipart/related request.</summary>
    [Range(1, 1_000_000)]
    public int MaxMultipartParts { get; set; } = 1000;

    /// <summary>All header lines of one multipart part together.</summary>
    [Range(256, 1024 * 1024)]
    public int MaxPartHeaderBytes { get; set; } = 8 * 1024;

    /// <summary>Header lines in one multipart part.</summary>
    [Range(1, 1000)]
    public int MaxPartHeaderCount { get; set; } = 16;

    /// <summary>The budget of one document of the given declared media type (the largest one when undeclared).</summary>
    public long MaxDocumentBytes(string? mediaType) => mediaType?.ToLowerInvariant() switch
    {
        MediaTypes.Dicom => MaxDicomBytes,
        MediaTypes.Aecg or MediaTypes.Xml or MediaTypes.TextXml => MaxXmlBytes,
        MediaTypes.Audiogram or MediaTypes.FhirJson or MediaTypes.Json => MaxJsonBytes,
        _ => Math.Max(MaxDicomBytes, Math.Max(MaxXmlBytes, MaxJsonBytes)),
    };
}
