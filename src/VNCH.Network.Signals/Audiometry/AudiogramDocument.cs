namespace VNCH.Network.Signals.Audiometry;

public enum Ear
{
    Right,
    Left,
}

/// <summary>One pure-tone threshold. With <see cref="NoResponse"/> the value is the highest level presented.</summary>
public sealed record PureToneThreshold(int FrequencyHz, double ThresholdDbHl, bool Masked = false, bool NoResponse = false);

/// <summary>Tympanometry of one ear (226 Hz probe unless stated). No peak (flat trace) leaves the peak fields null.</summary>
public sealed record Tympanometry
{
    public double? PeakPressureDaPa { get; init; }

    /// <summary>Peak compensated static admittance in mL (equivalent volume; 1 mmho ≈ 1 mL at 226 Hz).</summary>
    public double? StaticAdmittanceMl { get; init; }

    public double? EarCanalVolumeMl { get; init; }

    public bool NoPeak { get; init; }

    public int ProbeToneHz { get; init; } = 226;
}

/// <summary>Everything measured on one ear.</summary>
public sealed record EarResults
{
    public IReadOnlyList<PureToneThreshold> AirConduction { get; init; } = [];

    public IReadOnlyList<PureToneThreshold> BoneConduction { get; init; } = [];

    public Tympanometry? Tympanometry { get; init; }

    public PureToneThreshold? Air(int frequencyHz) => AirConduction.FirstOrDefault(t => t.FrequencyHz == frequencyHz);

    public PureToneThreshold? Bone(int frequencyHz) => BoneConduction.FirstOrDefault(t => t.FrequencyHz == frequencyHz);
}

public sealed record AudiogramPatient
{
    public required string Id { get; init; }

    /// <summary>Who issued the id (the hospital's patient-id namespace).</summary>
    public string? Issuer { get; init; }

    public DateOnly? BirthDate { get; init; }

    public string? Sex { get; init; }
}

public sealed record AudiometerDevice
{
    public string? Manufacturer { get; init; }

    public string? Model { get; init; }

    public string? SerialNumber { get; init; }

    public DateOnly? CalibrationDate { get; init; }

    /// <summary>Reference standard of the calibration, e.g. "ISO 389-1" (air) or "ISO 389-3" (bone).</summary>
    public string? CalibrationStandard { get; init; }

    public string? AirTransducer { get; init; }

    public string? BoneTransducer { get; init; }
}

/// <summary>An audiogram document (schema: docs/audiogram.md, docs/audiogram.schema.json).</summary>
public sealed record AudiogramDocument
{
    public const string CurrentSchemaVersion = "1.0";

    /// <summary>Frequencies a threshold may be reported at (ISO 8253-1 test frequencies, 125–8000 Hz).</summary>
    public static IReadOnlyList<int> AllowedFrequenciesHz { get; } = [125, 250, 500, 750, 1000, 1500, 2000, 3000, 4000, 6000, 8000];

    public string SchemaVersion { get; init; } = CurrentSchemaVersion;

    public required AudiogramPatient Patient { get; init; }

    public required DateOnly TestDate { get; init; }

    public AudiometerDevice? Device { get; init; }

    public EarResults? Right { get; init; }

    public EarResults? Left { get; init; }

    public EarResults? For(Ear ear) => ear == Ear.Right ? Right : Left;

    /// <summary>Age in days on the test date, when the birth date is known.</summary>
    public int? AgeDays => Patient.BirthDate is { } birth && birth <= TestDate ? PatientAge.DaysBetween(birth, TestDate) : null;
}
