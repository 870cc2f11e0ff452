namespace VNCH.Network.Signals.Audiometry;

/// <summary>Tympanogram types after Jerger (1970), with the As/Ad subtypes.</summary>
public enum TympanogramType
{
    /// <summary>Normal peak pressure and admittance.</summary>
    A,

    /// <summary>Normal pressure, shallow peak (stiff system, e.g. otosclerosis, tympanosclerosis).</summary>
    As,

    /// <summary>Normal pressure, deep peak (flaccid system, e.g. ossicular discontinuity, thin scarred drum).</summary>
    Ad,

    /// <summary>No peak (flat): middle-ear effusion, or perforation/patent tube when the canal volume is large.</summary>
    B,

    /// <summary>Peak at a negative pressure: Eustachian-tube dysfunction.</summary>
    C,
}

/// <summary>Limits used to type a tympanogram; the defaults are the commonly used Jerger ranges for a 226 Hz probe.</summary>
public sealed record TympanogramLimits
{
    public static TympanogramLimits Jerger { get; } = new();

    /// <summary>Peak pressures below this are type C.</summary>
    public double NegativePressureDaPa { get; init; } = -100;

    /// <summary>Static admittance below this (with normal pressure) is type As.</summary>
    public double LowAdmittanceMl { get; init; } = 0.3;

    /// <summary>Static admittance above this (with normal pressure) is type Ad.</summary>
    public double HighAdmittanceMl { get; init; } = 1.5;
}

/// <summary>
/// Jerger J. "Clinical experience with impedance audiometry." Arch Otolaryngol 1970;92(4):311–324: type A (normal),
/// As and Ad (normal pressure, reduced or increased admittance), B (flat, no peak) and C (negative peak pressure).
/// The numeric limits (−100 daPa; 0.3–1.5 mL) are the ranges usually quoted with Jerger's types for adults. Children
/// have smaller admittance and canal volumes, and under 6 months a 226 Hz probe is unreliable (a 1000 Hz probe is
/// recommended: Joint Committee on Infant Hearing, Pediatrics 2007;120:898–921); the analyser says so.
/// </summary>
public static class TympanogramClassifier
{
    public const string Source = "Jerger, Arch Otolaryngol 1970;92:311-324";

    public static TympanogramType Classify(Tympanometry tympanometry, TympanogramLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(tympanometry);
        limits ??= TympanogramLimits.Jerger;
        if (tympanometry.NoPeak || tympanometry.PeakPressureDaPa is null || tympanometry.StaticAdmittanceMl is null)
        {
            return TympanogramType.B;
        }

        if (tympanometry.PeakPressureDaPa < limits.NegativePressureDaPa)
        {
            return TympanogramType.C;
        }

        if (tympanometry.StaticAdmittanceMl < limits.LowAdmittanceMl)
        {
            return TympanogramType.As;
        }

        return tympanometry.StaticAdmittanceMl > limits.HighAdmittanceMl ? TympanogramType.Ad : TympanogramType.A;
    }
}
