using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Disclosure;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>
/// Shared by the snapshot and attack tests (one collection, built once): a generated network of 2,100 studies in 5
/// hospitals and 3 provinces (every kind, outcome, age band including 19-day-old neonates, sex and finding), its
/// facts and its snapshot.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GeneratedSnapshotCollection : ICollectionFixture<GeneratedSnapshot>
{
    public const string Name = "generated network snapshot";
}

public sealed class GeneratedSnapshot
{
    public GeneratedSnapshot()
    {
        Network = new GeneratedNetwork(Studies, hospitals: 5);
        Facts = Project(Network);
        Snapshot = ReportSnapshotBuilder.Build(Facts, null, Rules, new DateTimeOffset(2027, 1, 10, 0, 0, 0, TimeSpan.Zero));
        consecutive = new(BuildConsecutive);
    }

    private readonly Lazy<ConsecutiveSnapshots> consecutive;

    public const int Studies = 2_100;

    public static DisclosureOptions Rules { get; } = new();

    public static List<StudyFact> Project(GeneratedNetwork network) =>
        network.Studies.Select(s => StudyFactProjection.Project(s, network.Hospitals.Single(h => h.Id == s.Tenant), new byte[32])).ToList();

    public GeneratedNetwork Network { get; }

    public List<StudyFact> Facts { get; }

    public ReportSnapshot Snapshot { get; }

    /// <summary>
    /// Two consecutive snapshots the reader holds both of: the first lacks three late studies of November; before the
    /// second, one study of March changes its finding. Built once, on first use.
    /// </summary>
    public ConsecutiveSnapshots Consecutive => consecutive.Value;

    private ConsecutiveSnapshots BuildConsecutive()
    {
        var late = Facts.Where(f => f.Date.Month == 11).Take(3).ToList();
        var lateKeys = late.Select(f => f.Key).ToHashSet();
        var firstFacts = Facts.Where(f => !lateKeys.Contains(f.Key)).ToList();
        var first = ReportSnapshotBuilder.Build(firstFacts, null, Rules, Snapshot.AsOf.AddDays(-7));
        var changed = Facts.First(f => f.Date.Month == 3 && f.Findings.Count > 0);
        var moved = changed with { Findings = [changed.Findings[0] with { Category = changed.Findings[0].Category == "normal" ? "pneumonia" : "normal" }], Version = changed.Version.AddDays(1) };
        var secondFacts = Facts.Select(f => f.Key == changed.Key ? moved : f).ToList();
        return new(late, firstFacts, first, changed, secondFacts, ReportSnapshotBuilder.Build(secondFacts, first, Rules, Snapshot.AsOf));
    }

    /// <summary>Brute force, written apart from the builder: the facts a cell counts (a filter over the records of its period).</summary>
    public static IEnumerable<StudyFact> Matching(IReadOnlyList<StudyFact> facts, ReportCell cell) =>
        ByPeriod.GetValue(facts, Bucket).GetValueOrDefault((cell.Grain, cell.Period), []).Where(f => ReportingPeriods.Of(f.Date, cell.Grain).Code == cell.Period
            && Is(cell.Province, f.Province) && Is(cell.Hospital, f.Hospital) && Is(cell.Kind, f.Kind) && Is(cell.Modality, f.Modality)
            && Is(cell.Outcome, f.Outcome) && Is(cell.AgeBand, AgeBands.Code(f.AgeBand)) && Is(cell.Sex, f.Sex)
            && (cell.Table.StartsWith(ReportTables.FindingsPrefix, StringComparison.Ordinal)
                ? f.Findings.Any(x => x.Indicator == cell.Table[ReportTables.FindingsPrefix.Length..] && Is(cell.Category, x.Category))
                : cell.Category == ReportTables.Total));

    // The records of each period, per list of records: only to keep the brute force from rescanning 2,100 records per cell.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<StudyFact>, Dictionary<(PeriodGrain, string), List<StudyFact>>> ByPeriod = new();

    private static Dictionary<(PeriodGrain, string), List<StudyFact>> Bucket(IReadOnlyList<StudyFact> facts)
    {
        var buckets = new Dictionary<(PeriodGrain, string), List<StudyFact>>();
        foreach (var fact in facts)
        {
            foreach (var grain in ReportingPeriods.Grains)
            {
                var key = (grain, ReportingPeriods.Of(fact.Date, grain).Code);
                (buckets.TryGetValue(key, out var list) ? list : buckets[key] = []).Add(fact);
            }
        }

        return buckets;
    }

    private static bool Is(string cellValue, string factValue) => cellValue == ReportTables.Total || cellValue == factValue;
}

/// <param name="Changed">The changed study's first version (the second snapshot holds the moved one).</param>
public sealed record ConsecutiveSnapshots(
    List<StudyFact> Late, List<StudyFact> FirstFacts, ReportSnapshot First, StudyFact Changed, List<StudyFact> SecondFacts, ReportSnapshot Second);

[Collection(GeneratedSnapshotCollection.Name)]
public sealed class ReportSnapshotTests(GeneratedSnapshot generated)
{
    private ReportSnapshot Snapshot => generated.Snapshot;

    [Fact]
    public void Every_published_number_equals_a_brute_force_count_over_the_records()
    {
        var published = Snapshot.Cells.Where(c => c.Value.IsPublished).ToList();
        Assert.True(published.Count > 50, $"{published.Count} published cells");
        foreach (var (cell, value) in published)
        {
            var matching = GeneratedSnapshot.Matching(generated.Facts, cell).ToList();
            Assert.Equal(matching.Count, value.Studies);
            Assert.Equal(matching.Select(f => f.Child).Distinct().Count(), value.Children);
        }
    }

    [Fact]
    public void No_published_cell_counts_1_to_9_studies_or_children_and_every_small_cell_is_suppressed()
    {
        Assert.All(Snapshot.Cells.Where(c => c.Value.IsPublished), c => Assert.True(c.Value.Studies >= 10 && c.Value.Children >= 10, c.Key.ToString()));
        Assert.All(Snapshot.Cells.Where(c => c.Value.Studies < 10 || c.Value.Children < 10), c => Assert.False(c.Value.IsPublished));
        Assert.Contains(Snapshot.Cells.Values, v => v.Status == CellStatus.SecondarySuppressed);
    }

    [Fact]
    public void The_national_yearly_total_is_published_and_week_53_exists()
    {
        var weeks = Snapshot.Cells.Where(c => c.Key.Table == "activity" && c.Key.Grain == PeriodGrain.Week && c.Key.Totals == 8).ToList();
        Assert.Contains(weeks, c => c.Key.Period == "2026-W53");
        var year = Snapshot.Cells.Single(c => c.Key.Table == "activity" && c.Key.Grain == PeriodGrain.Year && c.Key.Period == "2026" && c.Key.Totals == 8);
        Assert.True(year.Value.IsPublished);
        Assert.Equal(generated.Facts.Count(f => f.Date.Year == 2026), year.Value.Studies);
    }

    [Fact]
    public void A_total_minus_its_published_parts_never_leaves_exactly_one_suppressed_cell()
    {
        // The classic attack, dimension by dimension: a published margin whose breakdown has one hidden cell.
        var byParent = new Dictionary<(ReportCell, string), List<CellValue>>();
        foreach (var (cell, value) in Snapshot.Cells)
        {
            foreach (var parent in Parents(cell))
            {
                (byParent.TryGetValue(parent, out var list) ? list : byParent[parent] = []).Add(value);
            }
        }

        foreach (var ((parent, _), children) in byParent)
        {
            if (Snapshot.Cells.TryGetValue(parent, out var total) && total.IsPublished)
            {
                Assert.NotEqual(1, children.Count(c => !c.IsPublished));
            }
        }
    }

    [Fact]
    public void The_threshold_is_configuration_never_below_5()
    {
        static bool Valid(DisclosureOptions options) =>
            System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), [], validateAllProperties: true);

        Assert.False(Valid(new DisclosureOptions { Threshold = 4 }));
        Assert.True(Valid(new DisclosureOptions { Threshold = 5 }));
        Assert.False(Valid(new DisclosureOptions { RateMinimumDenominator = 19 }));
    }

    [Fact]
    public void A_snapshot_too_large_for_the_elimination_memory_is_refused_before_it_is_attempted_and_the_limit_is_not_stored()
    {
        // 2,100 studies give about 2,000 inner cells: a basis of some 30 MiB, over a 1 MiB limit.
        var tight = new DisclosureOptions { MaxEliminationMemoryMiB = 1 };
        var refused = Assert.Throws<SnapshotTooLargeException>(() => ReportSnapshotBuilder.Build(generated.Facts, null, tight, Snapshot.AsOf));
        Assert.Contains("MaxEliminationMemoryMiB", refused.Message);
        Assert.Contains("inner cells", refused.Message);

        Assert.DoesNotContain("MaxEliminationMemoryMiB", System.Text.Json.JsonSerializer.Serialize(tight));
    }

    [Fact]
    public void A_later_snapshot_lists_revised_periods_and_subtracting_two_snapshots_isolates_nobody()
    {
        var (late, _, first, _, secondFacts, second) = generated.Consecutive;

        Assert.Contains($"week:{ReportingPeriods.Of(late[0].Date, PeriodGrain.Week).Code}", second.RevisedPeriods);
        Assert.Contains("month:2026-11", second.RevisedPeriods);
        Assert.Contains("month:2026-03", second.RevisedPeriods);
        Assert.DoesNotContain("month:2026-07", second.RevisedPeriods);
        Assert.Equal(first.Id, second.PreviousId);

        // Any cell shown in both snapshots changed by zero studies or by at least the threshold.
        var oldFacts = first.Facts.ToDictionary(f => f.Key);
        foreach (var (cell, value) in second.Cells.Where(c => c.Value.IsPublished))
        {
            if (first.Cells.GetValueOrDefault(cell)?.IsPublished != true)
            {
                continue;
            }

            var now = GeneratedSnapshot.Matching(secondFacts, cell).Select(f => f.Key).ToHashSet();
            var before = GeneratedSnapshot.Matching(first.Facts, cell).Select(f => f.Key).ToHashSet();
            var movers = now.Except(before).Count() + before.Except(now).Count();
            Assert.True(movers == 0 || movers >= GeneratedSnapshot.Rules.Threshold, $"{cell}: {movers} studies entered or left");
        }
    }

    /// <summary>The cell's parent along each dimension it breaks down (hospital within province within the nation).</summary>
    private static IEnumerable<(ReportCell, string)> Parents(ReportCell cell)
    {
        const string T = ReportTables.Total;
        if (cell.Hospital != T)
        {
            yield return (cell with { Hospital = T }, "hospital");
        }
        else if (cell.Province != T)
        {
            yield return (cell with { Province = T }, "province");
        }

        var others = new (string Name, bool Broken, ReportCell Parent)[]
        {
            ("kind", cell.Kind != T, cell with { Kind = T }),
            ("modality", cell.Modality != T, cell with { Modality = T }),
            ("outcome", cell.Outcome != T, cell with { Outcome = T }),
            ("ageBand", cell.AgeBand != T, cell with { AgeBand = T }),
            ("sex", cell.Sex != T, cell with { Sex = T }),
            ("category", cell.Category != T, cell with { Category = T }),
        };
        foreach (var (name, broken, parent) in others.Where(o => o.Broken))
        {
            yield return (parent, name);
        }
    }
}
