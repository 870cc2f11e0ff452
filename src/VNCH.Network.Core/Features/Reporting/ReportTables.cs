namespace VNCH.Network.Core.Features.Reporting;

public enum ReportDimension
{
    /// <summary>National, province or hospital: a hierarchy (a hospital lies in one province).</summary>
    Geography,
    Kind,
    Modality,
    Outcome,
    AgeBand,
    Sex,
    Category,
}

/// <summary>
/// One published table: a population of studies cross-classified by its dimensions, at every period grain, with
/// every margin (each dimension either a value or the total "*"). The API serves only cells of these tables, so
/// any filter or group-by is a selection of cells that were protected together.
/// </summary>
/// <param name="Indicator">Null: every final study; else the studies assessed on that indicator, by category.</param>
public sealed record ReportTable(string Name, string Description, string? Indicator, IReadOnlyList<ReportDimension> Dimensions);

public static class ReportTables
{
    public const string Total = "*";
    public const string FindingsPrefix = "findings:";

    public static ReportTable Activity { get; } = new("activity",
        "Final studies by hospital/province, study kind and outcome (completed, rejected, failed, no-analyser).",
        null, [ReportDimension.Geography, ReportDimension.Kind, ReportDimension.Outcome]);

    public static ReportTable Modalities { get; } = new("modalities",
        "Final studies by province and modality (CR, DX, CT, ECG, none).",
        null, [ReportDimension.Geography, ReportDimension.Modality]);

    public static ReportTable Demography { get; } = new("demography",
        "Final studies by hospital/province, ICH E11 age band (split at 16) and sex.",
        null, [ReportDimension.Geography, ReportDimension.AgeBand, ReportDimension.Sex]);

    /// <summary>One findings table per analyser indicator (e.g. <c>findings:pediatric-cxr-pneumonia/result</c>).</summary>
    public static ReportTable Findings(string indicator) => new(FindingsPrefix + indicator,
        $"Studies assessed on {indicator}, by hospital/province, age band and category.",
        indicator, [ReportDimension.Geography, ReportDimension.AgeBand, ReportDimension.Category]);

    /// <summary>The tables of a snapshot: activity, modalities, demography and one findings table per indicator present.</summary>
    public static IReadOnlyList<ReportTable> For(IEnumerable<StudyFact> facts) =>
        [Activity, Modalities, Demography, .. facts.SelectMany(f => f.Findings).Select(f => f.Indicator).Distinct().Order(StringComparer.Ordinal).Select(Findings)];

    public static string Name(ReportDimension dimension) => dimension switch
    {
        ReportDimension.AgeBand => "ageBand",
        _ => dimension.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// One cell: a table, a period, and per dimension a value or <see cref="ReportTables.Total"/>. Geography is
/// (province, hospital): both totals nationally, a province with hospital total, or both set.
/// </summary>
public sealed record ReportCell(
    string Table,
    PeriodGrain Grain,
    string Period,
    string Province,
    string Hospital,
    string Kind,
    string Modality,
    string Outcome,
    string AgeBand,
    string Sex,
    string Category)
{
    public string Value(ReportDimension dimension) => dimension switch
    {
        ReportDimension.Kind => Kind,
        ReportDimension.Modality => Modality,
        ReportDimension.Outcome => Outcome,
        ReportDimension.AgeBand => AgeBand,
        ReportDimension.Sex => Sex,
        ReportDimension.Category => Category,
        _ => Hospital != ReportTables.Total ? Hospital : Province,
    };

    /// <summary>How many dimensions are totals (0 = an interior cell); coarser cells are preferred for publication.</summary>
    public int Totals =>
        new[] { Province, Hospital, Kind, Modality, Outcome, AgeBand, Sex, Category }.Count(v => v == ReportTables.Total);
}
