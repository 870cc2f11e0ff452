using System.Globalization;
using System.Text.RegularExpressions;

namespace VNCH.Network.Signals.Ecg.Wfdb;

/// <summary>Age and sex from WFDB header comments, following the conventions of the PhysioNet databases.</summary>
internal static partial class WfdbSubject
{
    public static EcgSubject FromComments(IReadOnlyList<string> comments)
    {
        int? ageYears = null;
        var sex = Sex.Unknown;
        foreach (var comment in comments)
        {
            // PTB: "age: 81", "sex: female"; macecgdb: "<age>: 25  <sex>: M".
            var age = KeyedAge().Match(comment);
            if (age.Success && ageYears is null)
            {
                ageYears = int.Parse(age.Groups[1].Value, CultureInfo.InvariantCulture);
            }

            var keyedSex = KeyedSex().Match(comment);
            if (keyedSex.Success && sex == Sex.Unknown)
            {
                sex = ParseSex(keyedSex.Groups[1].Value);
            }

            // MIT-BIH: first comment line "69 M 1085 1629 x1" (age, sex, then recording details).
            var mit = MitBihAgeSex().Match(comment);
            if (mit.Success && ageYears is null && sex == Sex.Unknown)
            {
                ageYears = int.Parse(mit.Groups[1].Value, CultureInfo.InvariantCulture);
                sex = ParseSex(mit.Groups[2].Value);
            }
        }

        return new EcgSubject
        {
            Sex = sex,
            StatedAgeDays = ageYears is { } years ? PatientAge.FromYears(years) : null,
        };
    }

    private static Sex ParseSex(string value) => value.Trim().ToUpperInvariant() switch
    {
        "M" or "MALE" => Sex.Male,
        "F" or "FEMALE" => Sex.Female,
        _ => Sex.Unknown,
    };

    [GeneratedRegex(@"<?age>?\s*:\s*(\d{1,3})\b", RegexOptions.IgnoreCase)]
    private static partial Regex KeyedAge();

    [GeneratedRegex(@"<?sex>?\s*:\s*(male|female|m|f)\b", RegexOptions.IgnoreCase)]
    private static partial Regex KeyedSex();

    [GeneratedRegex(@"^(\d{1,3})\s+([MF])\b")]
    private static partial Regex MitBihAgeSex();
}
