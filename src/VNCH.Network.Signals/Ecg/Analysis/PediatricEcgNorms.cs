namespace VNCH.Network.Signals.Ecg.Analysis;

/// <summary>Normal limits for one age band. Intervals in ms, heart rate in beats per minute.</summary>
public sealed record EcgNormalLimits(
    string AgeBand,
    int FromDays,
    int? ToDaysExclusive,
    double HeartRateLow,
    double HeartRateHigh,
    double PrLowMs,
    double PrHighMs,
    double QrsUpperMs,
    double QtcBazettUpperMs,
    string Source);

/// <summary>
/// Age-specific ECG normal limits, kept in code as data with their sources.
/// <para>
/// Heart rate (2nd–98th percentile), PR interval (range) and QRS duration (98th percentile, V5) by age:
/// Davignon A, Rautaharju P, Boisselle E, Soumis F, Mégélas M, Choquette A. "Normal ECG standards for infants and
/// children." Pediatr Cardiol 1979/80;1:123–131, as tabulated in The Harriet Lane Handbook (Johns Hopkins
/// Hospital), Cardiology chapter, table "Normal pediatric ECG parameters". The handbook's bands (0–7 d, 1–3 wk,
/// 1–6 mo, 6–12 mo, 1–3 y, 4–5 y, 6–8 y, 9–11 y, 12–16 y, &gt;16 y) are made contiguous here by starting each band
/// where the previous one ends.
/// </para>
/// <para>
/// QTc (Bazett) upper limits: 450 ms under 6 months and 440 ms from 6 months through adolescence (the handbook's
/// limits for infants and children); adults (from 16 years): 450 ms for men and 460 ms for women (Rautaharju PM
/// et al. AHA/ACCF/HRS recommendations for the standardization and interpretation of the electrocardiogram,
/// part IV. Circulation 2009;119:e241–e250). A QTc of 500 ms or more is flagged critical at any age (risk of
/// torsade de pointes; Drew BJ et al. Circulation 2010;121:1047–1060).
/// </para>
/// Re-check against the primary tables before clinical release; the bands and limits are data, not logic, so a
/// corrected table needs no code change.
/// </summary>
public static class PediatricEcgNorms
{
    public const string DavignonSource = "Davignon et al., Pediatr Cardiol 1979/80;1:123-131 (as tabulated in The Harriet Lane Handbook)";
    public const string AdultQtcSource = "Rautaharju et al., Circulation 2009;119:e241-e250 (AHA/ACCF/HRS)";
    public const double CriticalQtcMs = 500;

    private const int Week = 7;
    private const int Month = 30;
    private const int Year = 365;

    /// <summary>The table, youngest first.</summary>
    public static IReadOnlyList<EcgNormalLimits> Table { get; } =
    [
        new("0-7 days", 0, 7, 95, 160, 80, 120, 70, 450, DavignonSource),
        new("1-3 weeks", 7, Month, 105, 180, 80, 120, 70, 450, DavignonSource),
        new("1-6 months", Month, 6 * Month, 110, 180, 80, 130, 70, 450, DavignonSource),
        new("6-12 months", 6 * Month, Year, 110, 170, 100, 140, 70, 440, DavignonSource),
        new("1-3 years", Year, 4 * Year, 90, 150, 100, 140, 70, 440, DavignonSource),
        new("4-5 years", 4 * Year, 6 * Year, 65, 135, 110, 150, 80, 440, DavignonSource),
        new("6-8 years", 6 * Year, 9 * Year, 60, 130, 120, 160, 80, 440, DavignonSource),
        new("9-11 years", 9 * Year, 12 * Year, 60, 110, 120, 170, 90, 440, DavignonSource),
        new("12-16 years", 12 * Year, 17 * Year, 60, 110, 120, 170, 100, 440, DavignonSource),
        new(">16 years", 17 * Year, null, 60, 100, 120, 200, 100, 450, DavignonSource),
    ];

    /// <summary>Limits for an age in days; unknown age gets the adult band (and the analysis says so).</summary>
    public static EcgNormalLimits For(int? ageDays, Sex sex = Sex.Unknown)
    {
        var band = ageDays is { } days
            ? Table.First(b => days >= b.FromDays && (b.ToDaysExclusive is null || days < b.ToDaysExclusive))
            : Table[^1];
        if (band.ToDaysExclusive is null)
        {
            // Adult QTc limits are sex-specific; with sex unknown the stricter (male) limit is used.
            band = band with { QtcBazettUpperMs = sex == Sex.Female ? 460 : 450, Source = $"{DavignonSource}; QTc: {AdultQtcSource}" };
        }

        return band;
    }
}
