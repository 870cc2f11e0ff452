using System.Security.Cryptography;
using System.Text;

namespace VNCH.Network.Core.Features.Reporting.Disclosure;

/// <summary>
/// Builds a <see cref="ReportSnapshot"/>: counts every cell of every published table at every grain, then decides
/// what may be shown, all tables and grains of the snapshot together in one linear system, so that no combination
/// of anything the API will serve (other tables, other grains, overlapping filters, the previous snapshot) yields a
/// suppressed count. The result is audited independently; a snapshot that fails the audit is never published.
/// </summary>
public static class ReportSnapshotBuilder
{
    public static ReportSnapshot Build(IReadOnlyList<StudyFact> facts, ReportSnapshot? previous, DisclosureOptions rules, DateTimeOffset asOf)
    {
        var previousFacts = (previous?.Facts ?? []).ToDictionary(f => f.Key);
        var currentKeys = facts.Select(f => f.Key).ToHashSet();

        // One variable per study, over both snapshots: its old version counts in the previous snapshot's published
        // cells (which the reader knows), its new version in this snapshot's cells. A cell it entered or left
        // changed by it, and that difference is what subtracting two snapshots shows.
        var entities = facts.Select(f => (Current: (StudyFact?)f, Previous: previousFacts.GetValueOrDefault(f.Key)))
            .Concat(previousFacts.Values.Where(f => !currentKeys.Contains(f.Key)).Select(f => (Current: (StudyFact?)null, Previous: (StudyFact?)f)))
            .ToList();

        // One system for every table and grain: a per-table split (ADR 0081, first attempt) let a suppressed cell be
        // computed from cells of several tables together (the all-tables attack test found it).
        var tables = ReportTables.For(facts);
        var cells = Suppress(tables, entities, previous, rules);
        var hospitals = facts.GroupBy(f => f.Hospital).ToDictionary(g => g.Key, g => g.First().Province);
        var digests = Digests(facts);
        var previousDigests = previous?.PeriodDigests ?? new Dictionary<string, string>();
        return new ReportSnapshot
        {
            Id = $"{asOf:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', digests.OrderBy(d => d.Key).Select(d => d.Value)))))[..8]}",
            AsOf = asOf,
            Rules = rules,
            Tables = tables,
            Cells = cells,
            Hospitals = hospitals,
            DateSources = DateSources(facts),
            PeriodDigests = digests,
            RevisedPeriods = previousDigests.Where(p => digests.GetValueOrDefault(p.Key) != p.Value).Select(p => p.Key).Order(StringComparer.Ordinal).ToList(),
            PreviousId = previous?.Id,
            Facts = facts,
        };
    }

    private static Dictionary<ReportCell, CellValue> Suppress(
        IReadOnlyList<ReportTable> current, List<(StudyFact? Current, StudyFact? Previous)> entities, ReportSnapshot? previous, DisclosureOptions rules)
    {
        var before = previous?.Tables ?? [];
        var system = new CellSystem(rules.Threshold, rules.MaxEliminationMemoryMiB);
        foreach (var (fact, old) in entities)
        {
            var changed = fact is null || old is null || !old.Equivalent(fact);
            var oldCells = old is null
                ? []
                : CellsOf(old, before).Where(c => previous!.Cells.GetValueOrDefault(c)?.IsPublished == true).ToHashSet();
            var newCells = fact is null ? [] : CellsOf(fact, current).ToHashSet();
            if (oldCells.Count == 0 && newCells.Count == 0)
            {
                continue; // the study is in no table's population
            }

            var memberships = new List<(int Column, int Coefficient)>();
            foreach (var cell in newCells)
            {
                memberships.Add((system.Column(ColumnKind.Current, cell, fact!.Child), 1));
                if (cell.Grain == PeriodGrain.Week && ReportingPeriods.Of(fact.Date, PeriodGrain.Week) is var week && week.Start.Month != week.End.AddDays(-1).Month)
                {
                    // The part of a month-straddling week inside one month is never published, yet weeks and
                    // months together would give it: it is protected like a cell.
                    memberships.Add((system.Column(ColumnKind.WeekPart, cell with { Period = $"{cell.Period}@{fact.Date:yyyy-MM}" }, fact.Child), 1));
                }
            }

            foreach (var cell in oldCells)
            {
                memberships.Add((system.Column(ColumnKind.Previous, cell), 1));
            }

            if (changed)
            {
                foreach (var cell in oldCells.Where(c => !newCells.Contains(c)))
                {
                    memberships.Add((system.Column(ColumnKind.Difference, cell), -1));
                }

                foreach (var cell in newCells.Where(c => !oldCells.Contains(c) && previous?.Cells.GetValueOrDefault(c)?.IsPublished == true))
                {
                    memberships.Add((system.Column(ColumnKind.Difference, cell), 1));
                }
            }

            system.AddEntity(memberships, Order((fact ?? old)!));
        }

        return system.Suppress();
    }

    /// <summary>Geography, then the other dimensions, then the day (least significant): see <see cref="CellSystem"/>.</summary>
    private static string Order(StudyFact fact) =>
        $"{fact.Province}|{fact.Hospital}|{fact.Kind}|{fact.Modality}|{fact.Outcome}|{fact.AgeBand}|{fact.Sex}|" +
        $"{string.Join(';', fact.Findings.Select(f => f.Category))}|{fact.Date:yyyy-MM-dd}";

    /// <summary>Every cell of every table the fact counts in, at every grain (all margins included).</summary>
    public static IEnumerable<ReportCell> CellsOf(StudyFact fact, IReadOnlyList<ReportTable> tables)
    {
        foreach (var grain in ReportingPeriods.Grains)
        {
            var period = ReportingPeriods.Of(fact.Date, grain).Code;
            foreach (var table in tables)
            {
                var categories = table.Indicator is null
                    ? [ReportTables.Total]
                    : fact.Findings.Where(f => f.Indicator == table.Indicator).Select(f => f.Category).Take(1).ToArray();
                foreach (var category in categories)
                {
                    var interior = new ReportCell(table.Name, grain, period, fact.Province, fact.Hospital, fact.Kind, fact.Modality,
                        fact.Outcome, AgeBands.Code(fact.AgeBand), fact.Sex, category);
                    foreach (var cell in Margins(interior, table))
                    {
                        yield return cell;
                    }
                }
            }
        }
    }

    private static IEnumerable<ReportCell> Margins(ReportCell interior, ReportTable table)
    {
        const string T = ReportTables.Total;
        var geographies = new[] { (interior.Province, interior.Hospital), (interior.Province, T), (T, T) };
        var others = table.Dimensions.Where(d => d != ReportDimension.Geography).ToArray();
        foreach (var (province, hospital) in geographies)
        {
            for (var mask = 0; mask < 1 << others.Length; mask++)
            {
                string Pick(ReportDimension dimension)
                {
                    var at = Array.IndexOf(others, dimension);
                    return at >= 0 && (mask & (1 << at)) == 0 ? interior.Value(dimension) : T;
                }

                yield return new ReportCell(interior.Table, interior.Grain, interior.Period, province, hospital,
                    Pick(ReportDimension.Kind), Pick(ReportDimension.Modality), Pick(ReportDimension.Outcome),
                    Pick(ReportDimension.AgeBand), Pick(ReportDimension.Sex), Pick(ReportDimension.Category));
            }
        }
    }

    private static Dictionary<string, string> Digests(IReadOnlyList<StudyFact> facts)
    {
        var digests = new Dictionary<string, string>();
        foreach (var grain in ReportingPeriods.Grains)
        {
            foreach (var period in facts.GroupBy(f => ReportingPeriods.Of(f.Date, grain).Code))
            {
                var content = string.Join('\n', period.OrderBy(f => f.Key, StringComparer.Ordinal).Select(Describe));
                digests[ReportSnapshot.PeriodKey(grain, period.Key)] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)))[..16];
            }
        }

        return digests;
    }

    private static string Describe(StudyFact f) =>
        $"{f.Key}|{f.Child}|{f.Hospital}|{f.Province}|{f.Kind}|{f.Modality}|{f.Date}|{f.DateSource}|{f.AgeBand}|{f.Sex}|{f.Outcome}|{string.Join(';', f.Findings.Select(x => $"{x.Indicator}={x.Category}"))}";

    private static Dictionary<string, string> DateSources(IReadOnlyList<StudyFact> facts)
    {
        var sources = new Dictionary<string, string>();
        foreach (var grain in ReportingPeriods.Grains)
        {
            foreach (var period in facts.GroupBy(f => ReportingPeriods.Of(f.Date, grain).Code))
            {
                var distinct = period.Select(f => f.DateSource).Distinct().ToList();
                sources[ReportSnapshot.PeriodKey(grain, period.Key)] = distinct.Count > 1 ? "mixed" : distinct[0].ToString().ToLowerInvariant();
            }
        }

        return sources;
    }
}
