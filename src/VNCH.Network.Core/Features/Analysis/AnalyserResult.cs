using System.Text.Json.Serialization;

namespace VNCH.Network.Core.Features.Analysis;

/// <summary>What one analyser concluded about one subject. Serialisable (kept on the study document).</summary>
public sealed record AnalyserResult
{
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    /// <summary>Free-text conclusion for the DiagnosticReport.</summary>
    public string? Conclusion { get; init; }

    /// <summary>Coded conclusion (e.g. SNOMED CT 233604007 Pneumonia).</summary>
    public CodedConcept? ConclusionCode { get; init; }

    /// <summary>Raw scores by label (e.g. class probabilities).</summary>
    public IReadOnlyDictionary<string, double> Scores { get; init; } = new Dictionary<string, double>();

    /// <summary>Decision threshold applied to the scores, when there is one.</summary>
    public double? Threshold { get; init; }

    /// <summary>The decided label (e.g. <c>pneumonia</c> / <c>normal</c>).</summary>
    public string? Label { get; init; }

    /// <summary>Wall time spent in the analyser.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The instance the result was computed from, when it came from one instance.</summary>
    public string? InputInstanceUid { get; init; }
}

public sealed record CodedConcept(string System, string Code, string Display);

/// <summary>One finding or measurement; becomes a FHIR Observation.</summary>
public sealed record Finding
{
    public required CodedConcept Code { get; init; }

    public FindingValue? Value { get; init; }

    /// <summary>HL7 v3 ObservationInterpretation (N, H, L, A, POS, NEG...) or another coded interpretation.</summary>
    public CodedConcept? Interpretation { get; init; }

    public ReferenceRange? ReferenceRange { get; init; }

    public string? InputInstanceUid { get; init; }
}

/// <summary>Low/high in the same UCUM unit as the value; either may be open.</summary>
public sealed record ReferenceRange(decimal? Low, decimal? High, string? Unit, string? Text = null);

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(QuantityValue), "quantity")]
[JsonDerivedType(typeof(CodedValue), "coded")]
[JsonDerivedType(typeof(BooleanValue), "boolean")]
[JsonDerivedType(typeof(ScoreValue), "score")]
public abstract record FindingValue;

/// <param name="Unit">UCUM code, e.g. <c>ms</c>, <c>/min</c>, <c>dB{HL}</c>.</param>
public sealed record QuantityValue(decimal Value, string Unit) : FindingValue;

public sealed record CodedValue(CodedConcept Concept) : FindingValue;

public sealed record BooleanValue(bool Value) : FindingValue;

/// <summary>A probability or score in [0, 1] (or the analyser's documented scale).</summary>
public sealed record ScoreValue(double Value) : FindingValue;
