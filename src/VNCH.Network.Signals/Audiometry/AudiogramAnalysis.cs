namespace VNCH.Network.Signals.Audiometry;

public enum HearingLossType
{
    /// <summary>The ear's PTA is within the normal limit: no loss to type.</summary>
    None,

    Conductive,
    Sensorineural,
    Mixed,

    /// <summary>Hearing loss present but the type needs bone conduction that was not tested.</summary>
    Undetermined,
}

public sealed record AudiogramStatement(string Code, string Text, StatementSeverity Severity, string? Source = null);

/// <summary>Results for one ear.</summary>
public sealed record EarAnalysis
{
    public required Ear Ear { get; init; }

    /// <summary>Four-frequency air-conduction average (0.5, 1, 2, 4 kHz); null when a frequency is missing.</summary>
    public double? Pta4DbHl { get; init; }

    /// <summary>True when a no-response threshold entered the average: the true PTA is at least this value.</summary>
    public bool PtaIsLowerBound { get; init; }

    public WhoHearingGrade? Grade { get; init; }

    /// <summary>Bone-conduction average over the PTA frequencies that have both air and bone thresholds.</summary>
    public double? BonePtaDbHl { get; init; }

    /// <summary>Mean air–bone gap over the same frequencies.</summary>
    public double? MeanAirBoneGapDb { get; init; }

    public required HearingLossType Type { get; init; }

    public TympanogramType? Tympanogram { get; init; }
}

/// <summary>The audiogram interpretation.</summary>
public sealed record AudiogramAnalysis
{
    public int? AgeDays { get; init; }

    /// <summary>Under 18 years on the test date: the 15 dB HL pediatric normal limit applies as well.</summary>
    public bool IsChild { get; init; }

    public EarAnalysis? Right { get; init; }

    public EarAnalysis? Left { get; init; }

    public Ear? BetterEar { get; init; }

    public double? BetterEarPta4DbHl { get; init; }

    /// <summary>WHO grade of the better ear (the WHO rule); null without a PTA in either ear.</summary>
    public WhoHearingGrade? Grade { get; init; }

    public bool Unilateral { get; init; }

    /// <summary>|right − left| four-frequency PTA difference in dB.</summary>
    public double? InterauralDifferenceDb { get; init; }

    public bool Asymmetric { get; init; }

    public required IReadOnlyList<AudiogramStatement> Statements { get; init; }
}
