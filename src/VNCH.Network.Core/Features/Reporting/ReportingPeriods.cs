using System.Globalization;

namespace VNCH.Network.Core.Features.Reporting;

public enum PeriodGrain
{
    Week,
    Month,
    Quarter,
    Year,
}

/// <summary>One reporting period: ISO 8601 week (with W53 years), calendar month, quarter or year.</summary>
/// <param name="Start">First day.</param>
/// <param name="End">Day after the last day.</param>
public sealed record ReportPeriod(PeriodGrain Grain, string Code, DateOnly Start, DateOnly End)
{
    public int Days => End.DayNumber - Start.DayNumber;
}

public static class ReportingPeriods
{
    public static IReadOnlyList<PeriodGrain> Grains { get; } = Enum.GetValues<PeriodGrain>();

    /// <summary>Codes: 2026-W53, 2026-11, 2026-Q4, 2026.</summary>
    public static ReportPeriod Of(DateOnly date, PeriodGrain grain)
    {
        switch (grain)
        {
            case PeriodGrain.Week:
                var dateTime = date.ToDateTime(TimeOnly.MinValue);
                var year = ISOWeek.GetYear(dateTime);
                var week = ISOWeek.GetWeekOfYear(dateTime);
                var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
                return new(grain, $"{year:D4}-W{week:D2}", monday, monday.AddDays(7));
            case PeriodGrain.Month:
                var first = new DateOnly(date.Year, date.Month, 1);
                return new(grain, $"{date.Year:D4}-{date.Month:D2}", first, first.AddMonths(1));
            case PeriodGrain.Quarter:
                var quarter = ((date.Month - 1) / 3) + 1;
                var start = new DateOnly(date.Year, ((quarter - 1) * 3) + 1, 1);
                return new(grain, $"{date.Year:D4}-Q{quarter}", start, start.AddMonths(3));
            case PeriodGrain.Year:
                return new(grain, $"{date.Year:D4}", new DateOnly(date.Year, 1, 1), new DateOnly(date.Year + 1, 1, 1));
            default:
                throw new ArgumentOutOfRangeException(nameof(grain));
        }
    }

    /// <summary>Consecutive periods covering [from, to] (inclusive dates).</summary>
    public static IReadOnlyList<ReportPeriod> Between(DateOnly from, DateOnly to, PeriodGrain grain)
    {
        var periods = new List<ReportPeriod>();
        for (var period = Of(from, grain); period.Start <= to; period = Of(period.End, grain))
        {
            periods.Add(period);
        }

        return periods;
    }

    /// <summary>The period a code names (2026-W53, 2026-11, 2026-Q4, 2026), the inverse of <see cref="Of"/>.</summary>
    public static ReportPeriod Parse(PeriodGrain grain, string code)
    {
        var year = int.Parse(code[..4], CultureInfo.InvariantCulture);
        var first = grain switch
        {
            PeriodGrain.Week => DateOnly.FromDateTime(ISOWeek.ToDateTime(year, int.Parse(code[6..], CultureInfo.InvariantCulture), DayOfWeek.Monday)),
            PeriodGrain.Month => new DateOnly(year, int.Parse(code[5..], CultureInfo.InvariantCulture), 1),
            PeriodGrain.Quarter => new DateOnly(year, ((code[^1] - '1') * 3) + 1, 1),
            _ => new DateOnly(year, 1, 1),
        };
        return Of(first, grain);
    }

    public static string Name(PeriodGrain grain) => grain.ToString().ToLowerInvariant();

    public static bool TryParseGrain(string? text, out PeriodGrain grain)
    {
        foreach (var candidate in Grains)
        {
            if (string.Equals(Name(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                grain = candidate;
                return true;
            }
        }

        grain = default;
        return false;
    }
}
