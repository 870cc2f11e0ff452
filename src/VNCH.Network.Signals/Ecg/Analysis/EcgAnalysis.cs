namespace VNCH.Network.Signals.Ecg.Analysis;

/// <summary>The reference range a statement was judged against, with its age band and source.</summary>
public sealed record ReferenceRange(string Measurement, double? Lower, double? Upper, string Unit, string AgeBand, string Source);

/// <summary>One interpretation statement: a stable code for records and reporting, readable text, severity.</summary>
public sealed record EcgStatement(string Code, string Text, StatementSeverity Severity, ReferenceRange? Range = null);

/// <summary>One detected beat. Sample indices are 0-based into the recording.</summary>
public sealed record EcgBeat(int RPeak, double TimeSeconds, double? RrBeforeMs, bool Premature, int? QrsOnset, int? QrsOffset)
{
    public double? QrsDurationMs(double samplingRateHz) =>
        QrsOnset is { } on && QrsOffset is { } off ? (off - on) * 1000 / samplingRateHz : null;
}

/// <summary>
/// RR statistics. SDNN and RMSSD follow the Task Force of the ESC and NASPE, "Heart rate variability: standards of
/// measurement, physiological interpretation and clinical use", Circulation 1996;93:1043–1065, computed on
/// normal-to-normal intervals: intervals that differ by more than 20 % from the local median are excluded as
/// ectopic or missed beats. On a 10 s ECG they are descriptive only.
/// </summary>
public sealed record RrStatistics(int Count, double MeanMs, double MedianMs, double MinMs, double MaxMs, int NormalToNormalCount, double? SdnnMs, double? RmssdMs);

public enum RhythmRegularity
{
    Undetermined,
    Regular,
    Irregular,
}

/// <summary>Global intervals from the representative beat. QTc uses the median RR.</summary>
public sealed record EcgIntervals(double? PrMs, double? QrsMs, double? QtMs, double? QtcBazettMs, double? QtcFridericiaMs);

/// <summary>Everything the ECG analyser found, ready to be mapped to FHIR Observations.</summary>
public sealed record EcgAnalysis
{
    public required double SamplingRateHz { get; init; }

    public required double DurationSeconds { get; init; }

    public required IReadOnlyList<EcgBeat> Beats { get; init; }

    /// <summary>60 000 / median RR; null with fewer than two beats.</summary>
    public double? HeartRateBpm { get; init; }

    public RrStatistics? RR { get; init; }

    public required RhythmRegularity Rhythm { get; init; }

    public required EcgIntervals Intervals { get; init; }

    public RepresentativeBeat? RepresentativeBeat { get; init; }

    public required IReadOnlyList<LeadQuality> Quality { get; init; }

    /// <summary>Union of all leads' quality flags.</summary>
    public LeadQualityFlags QualityFlags => Quality.Aggregate(LeadQualityFlags.None, (all, q) => all | q.Flags);

    /// <summary>Age used for the normal limits (days); null when unknown (adult limits were used).</summary>
    public int? AgeDays { get; init; }

    public required EcgNormalLimits NormalLimits { get; init; }

    public required IReadOnlyList<EcgStatement> Statements { get; init; }

    /// <summary>Algorithm identity for provenance (FHIR Device.version).</summary>
    public string Algorithm { get; init; } = EcgInterpreter.AlgorithmName;
}
