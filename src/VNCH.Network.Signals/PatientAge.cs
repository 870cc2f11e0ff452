using VNCH.Network.Dicom;

namespace VNCH.Network.Signals;

/// <summary>
/// Ages in days: neonates matter (a 3-day-old and a 3-week-old have different normal heart rates), so every
/// age-dependent rule in this library takes days, never years.
/// </summary>
public static class PatientAge
{
    /// <summary>Month and year lengths used when a source gives the age in those units (the same as <see cref="DicomAge.ToDays"/>).</summary>
    private const double DaysPerMonth = 30.4375;
    private const double DaysPerYear = 365.25;

    /// <summary>Completed days from birth to the study date.</summary>
    public static int DaysBetween(DateOnly birthDate, DateOnly studyDate)
    {
        if (studyDate < birthDate)
        {
            throw new ArgumentException($"Study date {studyDate:yyyy-MM-dd} is before birth date {birthDate:yyyy-MM-dd}.", nameof(studyDate));
        }

        return studyDate.DayNumber - birthDate.DayNumber;
    }

    /// <summary>Completed days from birth to the study date; null when either is unknown or the dates are impossible.</summary>
    public static int? TryDaysBetween(DateOnly? birthDate, DateOnly? studyDate) =>
        birthDate is { } birth && studyDate is { } study && study >= birth ? study.DayNumber - birth.DayNumber : null;

    /// <summary>A parsed DICOM Age String in completed days.</summary>
    public static int FromDicomAge(DicomAge age) => (int)Math.Floor(age.ToDays());

    /// <summary>
    /// Parses a DICOM Age String (VR AS, PS3.5 §6.2: "nnnD", "nnnW", "nnnM" or "nnnY") with the DICOM library's
    /// parser and rounds down to completed days.
    /// </summary>
    public static int ParseDicomAgeString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return DicomAge.TryParse(value, out var age)
            ? FromDicomAge(age)
            : throw new SignalFormatException($"DICOM age string '{value}' is not of the form nnnD, nnnW, nnnM or nnnY (PS3.5 VR AS).");
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
