using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Reporting.Disclosure;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Reporting;

/// <summary>
/// `reporting [studies=100000] [requests=300]`: projection cost per study; the snapshot build (counting, secondary
/// suppression per table, audit) once, as the embedded host does it; then the latency of the report handler the
/// endpoint calls (national weekly activity table by kind and outcome, the embedded SQLite cube and audit sink),
/// p50/p95/max over repeated requests against the cached snapshot.
/// </summary>
public static class ReportingBench
{
    public static int Run(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var requests = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 300;
        return RunAsync(count, requests).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int count, int requests)
    {
        var network = new GeneratedNetwork(count);
        using var data = new TempDirectory("vnch-bench-reporting");
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        var configuration = new ConfigurationBuilder().Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddVnchCore(configuration).AddVnchEmbeddedStorage(o => o.DataPath = data.Path);
        await using var provider = services.BuildServiceProvider();
        var tenants = provider.GetRequiredService<ITenantDirectory>();
        foreach (var tenant in network.Tenants)
        {
            await tenants.UpsertAsync(tenant, CancellationToken.None);
        }

        var cube = provider.GetRequiredService<IReportingStore>();
        var key = await cube.GetOrCreatePseudonymKeyAsync(CancellationToken.None);
        var hospitals = network.Hospitals.ToDictionary(h => h.Id);
        StudyFactProjection.Project(network.Studies[0], hospitals[network.Studies[0].Tenant], key); // JIT
        var watch = Stopwatch.StartNew();
        var facts = network.Studies.Select(s => StudyFactProjection.Project(s, hospitals[s.Tenant], key)).ToList();
        Console.WriteLine($"studies: {count:N0}; projection: {watch.Elapsed.TotalMilliseconds * 1000 / count:F2} µs per study");
        await cube.ReplaceAllAsync(facts, CancellationToken.None);

        watch.Restart();
        ReportSnapshot snapshot;
        try
        {
            snapshot = await provider.GetRequiredService<ReportSnapshots>().PublishAsync(CancellationToken.None);
        }
        catch (SnapshotTooLargeException ex)
        {
            Console.WriteLine($"snapshot not built after {watch.Elapsed.TotalSeconds:F1} s: {ex.Message}");
            return 3;
        }

        Console.WriteLine($"snapshot build (read cube, count, suppress, audit, persist): {watch.Elapsed.TotalSeconds:F1} s; cells {snapshot.Cells.Count:N0}, " +
                          $"published {snapshot.Cells.Values.Count(v => v.IsPublished):N0}, primary {snapshot.Cells.Values.Count(v => v.Status == CellStatus.Suppressed):N0}, " +
                          $"secondary {snapshot.Cells.Values.Count(v => v.Status == CellStatus.SecondarySuppressed):N0}");

        var queries = provider.GetRequiredService<ReportQueries>();
        var caller = new Caller(network.Association.Id, "bench", new HashSet<string> { Roles.ReportsRead }, "bench");
        var request = new NetworkReportRequest { Table = "activity", Grain = PeriodGrain.Week, GroupBy = new HashSet<string> { "kind", "outcome" } };
        var rows = 0;
        for (var i = 0; i < 20; i++)
        {
            rows = (await queries.NetworkAsync(caller, request, CancellationToken.None)).Report!.Rows.Count; // warm-up
        }

        var latencies = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            watch.Restart();
            await queries.NetworkAsync(caller, request, CancellationToken.None);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        Print($"national weekly activity table ({rows} rows, {requests} requests, audited in SQLite)", latencies);

        // The same requests without the audit write (its SQLite commit waits for the disk): the selection itself.
        var unaudited = new ReportQueries(provider.GetRequiredService<ReportSnapshots>(), tenants, new InMemoryAuditSink(), TimeProvider.System);
        latencies.Clear();
        for (var i = 0; i < requests; i++)
        {
            watch.Restart();
            await unaudited.NetworkAsync(caller, request, CancellationToken.None);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        Print("the same, audit records kept in memory", latencies);
        return 0;
    }

    private static void Print(string what, List<double> latencies)
    {
        latencies.Sort();
        Console.WriteLine($"{what}: p50 {Percentile(latencies, 0.50):F2} ms, p95 {Percentile(latencies, 0.95):F2} ms, max {latencies[^1]:F2} ms");
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
