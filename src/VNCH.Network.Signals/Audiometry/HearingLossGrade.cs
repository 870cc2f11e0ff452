namespace VNCH.Network.Signals.Audiometry;

/// <summary>Grades of hearing loss of the World Health Organization, World Report on Hearing (2021), Box 1.1.</summary>
public enum WhoHearingGrade
{
    /// <summary>Better-ear PTA below 20 dB HL.</summary>
    Normal,

    /// <summary>20 to below 35 dB HL.</summary>
    Mild,

    /// <summary>35 to below 50 dB HL.</summary>
    Moderate,

    /// <summary>50 to below 65 dB HL.</summary>
    ModeratelySevere,

    /// <summary>65 to below 80 dB HL.</summary>
    Severe,

    /// <summary>80 to below 95 dB HL.</summary>
    Profound,

    /// <summary>95 dB HL or more (complete or total hearing loss).</summary>
    Complete,
}

/// <summary>
/// WHO 2021 grading on the four-frequency pure-tone average (0.5, 1, 2, 4 kHz) of the better ear: World Health
/// Organization. World report on hearing. Geneva: WHO; 2021 (licence CC BY-NC-SA 3.0 IGO), Box 1.1 "Grades of
/// hearing loss". Unilateral hearing loss: better ear below 20 dB HL and worse ear 35 dB HL or more.
/// </summary>
public static class WhoHearingGrading
{
    public const string Source = "WHO World Report on Hearing 2021, Box 1.1";

    /// <summary>Lower bounds (inclusive) of each grade, in dB HL.</summary>
    private static readonly (WhoHearingGrade Grade, double From)[] Bounds =
    [
        (WhoHearingGrade.Complete, 95),
        (WhoHearingGrade.Profound, 80),
        (WhoHearingGrade.Severe, 65),
        (WhoHearingGrade.ModeratelySevere, 50),
        (WhoHearingGrade.Moderate, 35),
        (WhoHearingGrade.Mild, 20),
    ];

    public static WhoHearingGrade Grade(double ptaDbHl)
    {
        foreach (var (grade, from) in Bounds)
        {
            if (ptaDbHl >= from)
            {
                return grade;
            }
        }

        return WhoHearingGrade.Normal;
    }

    /// <summary>The WHO definition of unilateral hearing loss.</summary>
    public static bool IsUnilateral(double betterEarPta, double worseEarPta) => betterEarPta < 20 && worseEarPta >= 35;

    /// <summary>The grade's range as text, e.g. "35 to <50 dB HL".</summary>
    public static string Range(WhoHearingGrade grade) => grade switch
    {
        WhoHearingGrade.Normal => "<20 dB HL",
        WhoHearingGrade.Mild => "20 to <35 dB HL",
        WhoHearingGrade.Moderate => "35 to <50 dB HL",
        WhoHearingGrade.ModeratelySevere => "50 to <65 dB HL",
        WhoHearingGrade.Severe => "65 to <80 dB HL",
        WhoHearingGrade.Profound => "80 to <95 dB HL",
        _ => ">=95 dB HL",
    };
}
