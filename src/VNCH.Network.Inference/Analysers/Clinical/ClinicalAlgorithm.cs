using System.Security.Cryptography;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Dicom;
using VNCH.Network.Signals;

namespace VNCH.Network.Inference.Analysers.Clinical;

/// <summary>
/// What the clinical-algorithm adapters share: the identity of the algorithm build (SHA-256 of the Signals
/// assembly, hashed once per process) and the mapping of values to FHIR-ready findings.
/// </summary>
public static class ClinicalAlgorithm
{
    /// <summary>Local code system for results that have no LOINC or SNOMED CT code (docs/adr/0060-clinical-algorithms-as-analysers.md).</summary>
    public const string LocalCodeSystem = "urn:vnch:analysis";

    private static readonly Lazy<string> AssemblySha256 = new(() =>
    {
        var location = typeof(SignalFormatException).Assembly.Location;
        if (string.IsNullOrEmpty(location))
        {
            throw new InvalidOperationException("The Signals assembly has no file location (single-file publish?); its SHA-256 cannot be recorded.");
        }

        using var stream = File.OpenRead(location);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    });

    /// <summary>Version of the algorithm build: the Signals assembly's informational version.</summary>
    public static string Version { get; } =
        typeof(SignalFormatException).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Hex SHA-256 of VNCH.Network.Signals.dll: the algorithm build recorded on the FHIR Device.</summary>
    public static string Sha256 => AssemblySha256.Value;

    public static AnalyserDescriptor Descriptor(string id, string displayName) =>
        new(id, Version, AnalyserKind.Algorithm, Sha256, displayName);

    /// <summary>
    /// Opens the instance and reads it. A document the reader refuses is rejected with <paramref name="reasonCode"/>
    /// (retrying cannot help); storage failures propagate so the queue retries.
    /// </summary>
    public static async Task<T> ReadAsync<T>(SubjectInstance instance, Func<Stream, T> read, string reasonCode, CancellationToken cancellationToken)
    {
        await using var stream = await instance.OpenAsync(cancellationToken);
        try
        {
            return read(stream);
        }
        catch (Exception ex) when (ex is SignalFormatException or DicomException)
        {
            throw new AnalysisRejectedException(reasonCode, $"Instance {instance.InstanceUid}: {ex.Message}", ex);
        }
    }

    public static CodedConcept Interpretation(string code) => code switch
    {
        "N" => new(CodeSystems.ObservationInterpretation, "N", "Normal"),
        "L" => new(CodeSystems.ObservationInterpretation, "L", "Low"),
        "H" => new(CodeSystems.ObservationInterpretation, "H", "High"),
        "HH" => new(CodeSystems.ObservationInterpretation, "HH", "Critical high"),
        "A" => new(CodeSystems.ObservationInterpretation, "A", "Abnormal"),
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Not an interpretation used by the clinical algorithms."),
    };

    /// <summary>N, L or H against an open or closed range.</summary>
    public static CodedConcept Against(double value, double? low, double? high) =>
        low is { } l && value < l ? Interpretation("L")
        : high is { } h && value > h ? Interpretation("H")
        : Interpretation("N");

    public static decimal Round(double value, int decimals = 1) => Math.Round((decimal)value, decimals, MidpointRounding.AwayFromZero);

    public static decimal? Round(double? value) => value is { } v ? Round(v) : null;

    public static StatementSeverity Worst(IEnumerable<StatementSeverity> severities) =>
        severities.DefaultIfEmpty(StatementSeverity.Normal).Max();
}
