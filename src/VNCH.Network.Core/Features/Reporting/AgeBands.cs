namespace VNCH.Network.Core.Features.Reporting;

/// <summary>
/// ICH E11 pediatric age groups, with the adolescent group split at 16 because Vietnam's Law on Children (2016)
/// ends childhood there. Newborns are not split by gestational age: the network does not receive it.
/// </summary>
public enum AgeBand
{
    /// <summary>0 to 27 completed days.</summary>
    Newborn,

    /// <summary>28 days to 23 months.</summary>
    InfantToddler,

    /// <summary>2 to 11 years.</summary>
    Child,

    /// <summary>12 to 15 years.</summary>
    Adolescent12To15,

    /// <summary>16 to 17 years.</summary>
    Adolescent16To17,

    /// <summary>18 years and over, where adults occur (e.g. congenital heart disease follow-up).</summary>
    Adult,

    Unknown,
}

public static class AgeBands
{
    private const int NewbornLastDay = 27;

    // Used only when the birth date is unknown and the age came as days (DICOM Patient's Age): mean Gregorian year.
    private const double DaysPerYear = 365.2425;

    public static IReadOnlyList<AgeBand> All { get; } = Enum.GetValues<AgeBand>();

    /// <summary>
    /// The band of a child at <paramref name="at"/>: completed days decide the newborn band; completed calendar years
    /// decide the others when the birth date is known, else years of 365.2425 days from <paramref name="ageInDays"/>.
    /// </summary>
    public static AgeBand Of(DateOnly? birthDate, int? ageInDays, DateOnly at)
    {
        int days, years;
        if (birthDate is { } birth)
        {
            days = at.DayNumber - birth.DayNumber;
            years = at.Year - birth.Year - (at < birth.AddYears(at.Year - birth.Year) ? 1 : 0);
        }
        else if (ageInDays is { } known)
        {
            days = known;
            years = (int)Math.Floor(known / DaysPerYear);
        }
        else
        {
            return AgeBand.Unknown;
        }

        return days switch
        {
            < 0 => AgeBand.Unknown,
            <= NewbornLastDay => AgeBand.Newborn,
            _ when years < 2 => AgeBand.InfantToddler,
            _ when years < 12 => AgeBand.Child,
            _ when years < 16 => AgeBand.Adolescent12To15,
            _ when years < 18 => AgeBand.Adolescent16To17,
            _ => AgeBand.Adult,
        };
    }

    /// <summary>The code used in reports and the API (kebab-case).</summary>
    public static string Code(AgeBand band) => band switch
    {
        AgeBand.Newborn => "0-27d",
        AgeBand.InfantToddler => "28d-23m",
        AgeBand.Child => "2-11y",
        AgeBand.Adolescent12To15 => "12-15y",
        AgeBand.Adolescent16To17 => "16-17y",
        AgeBand.Adult => "18y+",
        _ => "unknown",
    };

    /// <summary>The band as an ISO 8601 duration range (IHE mADX age strata), null for unknown.</summary>
    public static string? Iso8601Range(AgeBand band) => band switch
    {
        AgeBand.Newborn => "P0D--P28D",
        AgeBand.InfantToddler => "P28D--P2Y",
        AgeBand.Child => "P2Y--P12Y",
        AgeBand.Adolescent12To15 => "P12Y--P16Y",
        AgeBand.Adolescent16To17 => "P16Y--P18Y",
        AgeBand.Adult => "P18Y--P150Y",
        _ => null,
    };
}
