using Microsoft.Extensions.Options;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Disclosure;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Reporting;

/// <summary>
/// The attacker's view of the generated network (2,100 studies, 5 hospitals, 3 provinces), rebuilt from the
/// records without the snapshot's inner cells: one unknown per study, every published number a known sum. No
/// suppressed number may be a linear combination of known ones: not within a table at any grain, not across the
/// tables, not from two overlapping queries, not from two consecutive snapshots.
/// </summary>
[Collection(GeneratedSnapshotCollection.Name)]
public sealed class DisclosureAttackTests(GeneratedSnapshot generated)
{
    private ReportSnapshot Snapshot => generated.Snapshot;

    public static TheoryData<string> Tables() => new(ReportTables.For(GeneratedSnapshot.Project(new GeneratedNetwork(GeneratedSnapshot.Studies, hospitals: 5))).Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Tables))]
    public void No_suppressed_cell_of_a_table_is_recoverable_from_everything_the_snapshot_publishes_in_it(string table)
    {
        var cells = Snapshot.Cells.Where(c => c.Key.Table == table).ToList();
        var (known, hidden) = AttackerView(generated.Facts, cells);

        Assert.NotEmpty(hidden);
        Assert.Empty(LinearDisclosureAuditor.Derivable(known, hidden));
    }

    [Fact]
    public void No_suppressed_cell_is_recoverable_from_all_tables_and_grains_together()
    {
        // Every table at every grain at once (weeks, months, quarters and the year): numbers shared between tables,
        // sums across tables and across grains give nothing either.
        var (known, hidden) = AttackerView(generated.Facts, [.. Snapshot.Cells]);

        Assert.True(hidden.Count > 1000, $"{hidden.Count} suppressed cells");
        Assert.Empty(LinearDisclosureAuditor.Derivable(known, hidden));
    }

    [Fact]
    public async Task Two_overlapping_queries_differenced_give_nothing_and_a_total_minus_its_parts_is_never_one_hidden_cell()
    {
        var queries = Queries();
        var caller = new Caller(generated.Network.Association.Id, "analyst", new HashSet<string> { Roles.ReportsRead }, "attack");
        var province = generated.Network.Hospitals[0].Province!;
        var byHospital = new NetworkReportRequest { Table = "demography", Grain = PeriodGrain.Month, GroupBy = new HashSet<string> { "hospital", "ageBand" }, Filters = new Dictionary<string, string> { ["province"] = province } };
        var byProvince = byHospital with { GroupBy = new HashSet<string> { "province", "ageBand" }, Filters = new Dictionary<string, string>() };
        var bySex = byHospital with { GroupBy = new HashSet<string> { "hospital", "ageBand", "sex" } };

        var rows = new List<ReportRow>();
        foreach (var request in new[] { byHospital, byProvince, bySex })
        {
            var (status, report) = await queries.NetworkAsync(caller, request, CancellationToken.None);
            Assert.Equal(ReportQueryStatus.Ok, status);
            rows.AddRange(report!.Rows);
        }

        Assert.Contains(rows, r => r.Studies is null);
        var (known, hidden) = AttackerView(generated.Facts, rows.Select(r => KeyValuePair.Create(r.Cell, Snapshot.Cells[r.Cell])).ToList());
        Assert.Empty(LinearDisclosureAuditor.Derivable(known, hidden));
    }

    [Fact]
    public void Consecutive_snapshots_subtracted_give_nothing()
    {
        // The first snapshot lacks late studies of November and one study's finding changes before the second: the
        // reader holds both. Unknowns are study versions (a changed study is two), known are both snapshots' published cells.
        var (_, firstFacts, first, changed, secondFacts, second) = generated.Consecutive;
        Assert.Contains("month:2026-11", second.RevisedPeriods);

        foreach (var table in second.Tables.Select(t => t.Name))
        {
            // Versions: every current fact, plus the changed study's old version (an unknown of its own).
            var versions = secondFacts.Append(changed).ToList();
            var index = Enumerable.Range(0, versions.Count).ToDictionary(i => i < secondFacts.Count ? (versions[i].Key, false) : (versions[i].Key, true), i => i);
            SparseVector Column(IReadOnlyList<StudyFact> population, ReportCell cell, bool old) =>
                SparseVector.From(GeneratedSnapshot.Matching(population, cell).Select(f => new KeyValuePair<int, long>(
                    old && f.Key == changed.Key ? index[(f.Key, true)] : index[(f.Key, false)], 1)));

            var firstVersions = firstFacts.Select(f => f.Key == changed.Key ? changed : f).ToList();
            var known = first.Cells.Where(c => c.Key.Table == table && c.Value.IsPublished).Select(c => Column(firstVersions, c.Key, old: true))
                .Concat(second.Cells.Where(c => c.Key.Table == table && c.Value.IsPublished).Select(c => Column(secondFacts, c.Key, old: false)))
                .Append(SparseVector.From([new(index[(changed.Key, true)], 1), new(index[(changed.Key, false)], -1)])) // worst case: the reader knows one study moved
                .ToList();
            var hidden = second.Cells.Where(c => c.Key.Table == table && !c.Value.IsPublished).Select(c => Column(secondFacts, c.Key, old: false)).ToList();

            Assert.NotEmpty(hidden);
            Assert.Empty(LinearDisclosureAuditor.Derivable(known, hidden));
        }
    }

    [Fact]
    public async Task A_hospital_never_sees_another_hospitals_numbers_in_any_table_or_grain()
    {
        var queries = Queries();
        foreach (var hospital in generated.Network.Hospitals)
        {
            var caller = new Caller(hospital.Id, "analyst", new HashSet<string> { Roles.ReportsRead }, "own");
            foreach (var table in Snapshot.Tables)
            {
                foreach (var grain in ReportingPeriods.Grains)
                {
                    var (_, report) = await queries.NetworkAsync(caller, new NetworkReportRequest { Table = table.Name, Grain = grain, GroupBy = new HashSet<string> { "province" } }, CancellationToken.None);
                    Assert.All(report!.Rows, r => Assert.Equal(hospital.Id.Value, r.Cell.Hospital));
                    var other = generated.Network.Hospitals.First(h => h.Id != hospital.Id).Id.Value;
                    var (_, asked) = await queries.NetworkAsync(caller, new NetworkReportRequest { Table = table.Name, Grain = grain, Filters = new Dictionary<string, string> { ["hospital"] = other } }, CancellationToken.None);
                    Assert.All(asked!.Rows, r => Assert.Equal(hospital.Id.Value, r.Cell.Hospital));
                }
            }
        }
    }

    /// <summary>Known: published cells as sums over studies; hidden: suppressed cells. Studies numbered as the attacker likes.</summary>
    private static (List<SparseVector> Known, List<SparseVector> Hidden) AttackerView(IReadOnlyList<StudyFact> facts, IReadOnlyList<KeyValuePair<ReportCell, CellValue>> cells)
    {
        var index = facts.OrderBy(f => f.Hospital, StringComparer.Ordinal).ThenBy(f => f.Kind, StringComparer.Ordinal).ThenBy(f => f.AgeBand).ThenBy(f => f.Date)
            .Select((f, i) => (f.Key, i)).ToDictionary(p => p.Key, p => p.i);
        SparseVector Column(ReportCell cell) => SparseVector.From(GeneratedSnapshot.Matching(facts, cell).Select(f => new KeyValuePair<int, long>(index[f.Key], 1)));
        return (cells.Where(c => c.Value.IsPublished).Select(c => Column(c.Key)).ToList(), cells.Where(c => !c.Value.IsPublished).Select(c => Column(c.Key)).ToList());
    }

    /// <summary>The query path over a cube holding the generated facts, whose last published snapshot is the fixture's.</summary>
    private ReportQueries Queries()
    {
        var cube = new InMemoryReportingStore();
        cube.ReplaceAllAsync(generated.Facts.OrderBy(f => f.Key, StringComparer.Ordinal).ToList(), CancellationToken.None).GetAwaiter().GetResult();
        cube.SaveSnapshotAsync(ReportSnapshotDocument.ToStored(Snapshot), CancellationToken.None).GetAwaiter().GetResult();
        var snapshots = new ReportSnapshots(cube, Options.Create(GeneratedSnapshot.Rules), Options.Create(new ReportSnapshotOptions()), TimeProvider.System);
        return new ReportQueries(snapshots, new InMemoryTenantDirectory([.. generated.Network.Tenants]), new InMemoryAuditSink(), TimeProvider.System);
    }
}
