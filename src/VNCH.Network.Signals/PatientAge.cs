using System.Globalization;

namespace VNCH.Network.Signals;

/// <summary>
/// Ages in days: neonates matter (a 3-day-old and a 3-week-old have different normal heart rates), so every
/// age-dependent rule in this library takes days, never years.
/// </summary>
public static class PatientAge
{
    /// <summary>Mean Gregorian month and year lengths, used only when the source gives the age in those units.</summary>
    private const double DaysPerMonth = 365.2425 / 12;
    private const double DaysPerYear = 365.2425;

    /// <summary>Completed days from birth to the study date.</summary>
    public static int DaysBetween(DateOnly birthDate, DateOnly studyDate)
    {
        if (studyDate < birthDate)
        {
            throw new ArgumentException($"Study date {studyDate:yyyy-MM-dd} is before birth date {birthDate:yyyy-MM-dd}.", nameof(studyDate));
        }

        return studyDate.DayNumber - birthDate.DayNumber;
    }

    /// <summary>
    /// Parses a DICOM Age String (VR AS, PS3.5 §6.2): exactly four characters, "nnnD", "nnnW", "nnnM" or "nnnY".
    /// Months and years are converted with mean calendar lengths and rounded down to completed days.
    /// </summary>
    public static int ParseDicomAgeString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (text.Length != 4
            || !int.TryParse(text.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            throw new SignalFormatException($"DICOM age string '{value}' is not of the form nnnD, nnnW, nnnM or nnnY (PS3.5 VR AS).");
        }

        return char.ToUpperInvariant(text[3]) switch
        {
            'D' => number,
            'W' => number * 7,
            'M' => (int)Math.Floor(number * DaysPerMonth),
            'Y' => (int)Math.Floor(number * DaysPerYear),
            _ => throw new SignalFormatException($"DICOM age string '{value}' has unit '{text[3]}'; expected D, W, M or Y (PS3.5 VR AS)."),
        };
    }

    /// <summary>Converts whole years (e.g. an aECG "Reported Age" in "a") to days.</summary>
    public static int FromYears(double years) => (int)Math.Floor(years * DaysPerYear);

    /// <summary>Converts whole months to days.</summary>
    public static int FromMonths(double months) => (int)Math.Floor(months * DaysPerMonth);

    /// <summary>Human-readable age used in interpretation statements ("17 d", "5 mo", "7 y").</summary>
    public static string Describe(int days) => days switch
    {
        < 31 => $"{days} d",
        < 731 => $"{Math.Floor(days / DaysPerMonth):0} mo",
        _ => $"{Math.Floor(days / DaysPerYear):0} y",
    };
}
