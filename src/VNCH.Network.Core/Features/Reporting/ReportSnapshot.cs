using VNCH.Network.Core.Features.Reporting.Disclosure;

namespace VNCH.Network.Core.Features.Reporting;

public enum CellStatus
{
    Published,

    /// <summary>1 to threshold-1 studies or children.</summary>
    Suppressed,

    /// <summary>Withheld so that no suppressed cell can be computed from published ones.</summary>
    SecondarySuppressed,
}

/// <summary>A cell's counts and whether they may be shown. Counts of withheld cells never leave the process.</summary>
public sealed record CellValue(int Studies, int Children, CellStatus Status)
{
    public bool IsPublished => Status == CellStatus.Published;
}

/// <summary>
/// One published state of the cube: every nonzero cell of every table with its disclosure status, as of a time.
/// Cells absent from <see cref="Cells"/> are zero. Immutable; requests are answered from it without recomputation.
/// </summary>
public sealed class ReportSnapshot
{
    public required string Id { get; init; }

    public required DateTimeOffset AsOf { get; init; }

    public required DisclosureOptions Rules { get; init; }

    public required IReadOnlyList<ReportTable> Tables { get; init; }

    public required IReadOnlyDictionary<ReportCell, CellValue> Cells { get; init; }

    /// <summary>Hospitals (tenant id → province) with at least one study; the domain of the geography dimension.</summary>
    public required IReadOnlyDictionary<string, string> Hospitals { get; init; }

    /// <summary>Per period (grain:code): acquisition, receipt or mixed — where the dates of its studies came from.</summary>
    public required IReadOnlyDictionary<string, string> DateSources { get; init; }

    /// <summary>Per period (grain:code): a digest of the contributions in it, to tell which periods a later snapshot revised.</summary>
    public required IReadOnlyDictionary<string, string> PeriodDigests { get; init; }

    /// <summary>Periods (grain:code) whose figures differ from the previous snapshot's.</summary>
    public required IReadOnlyList<string> RevisedPeriods { get; init; }

    public string? PreviousId { get; init; }

    /// <summary>The contributions this snapshot was computed from; kept to protect the next snapshot's differences. Never served.</summary>
    public IReadOnlyList<StudyFact> Facts { get; init; } = [];

    public ReportTable? Table(string name) => Tables.FirstOrDefault(t => t.Name == name);

    /// <summary>The cells of one table at one grain: what a request selects from, so a request never scans the snapshot.</summary>
    public IReadOnlyList<KeyValuePair<ReportCell, CellValue>> CellsOf(string table, PeriodGrain grain) =>
        byTableAndGrain.Value.GetValueOrDefault((table, grain)) ?? [];

    private Lazy<Dictionary<(string, PeriodGrain), List<KeyValuePair<ReportCell, CellValue>>>> byTableAndGrain =>
        index ??= new(() => Cells.GroupBy(c => (c.Key.Table, c.Key.Grain)).ToDictionary(g => g.Key, g => g.ToList()));

    private Lazy<Dictionary<(string, PeriodGrain), List<KeyValuePair<ReportCell, CellValue>>>>? index;

    public static string PeriodKey(PeriodGrain grain, string code) => $"{ReportingPeriods.Name(grain)}:{code}";
}
