using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Dicom;
using VNCH.Network.Embedded;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Layout;

/// <summary>
/// One large study through the ingestion handler on the embedded stack (SQLite + files): N instances of one CT study
/// sent by C concurrent clients. Prints the per-instance cost of the first 10 and the last 10 and per-100 buckets
/// (ADR 0110: instance n costs what instance 1 costs), and the stored sizes of the study document and an instance
/// record (the inputs of the Cosmos RU figures in docs/benchmarks.md).
/// Usage: study-2000 [N=2000] [C=1]
/// </summary>
public static class StudyLayoutBench
{
    public static int Run(string[] args)
    {
        var count = LayoutArguments.At(args, 1, 2000);
        var clients = LayoutArguments.At(args, 2, 1);
        return RunAsync(count, clients).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int count, int clients)
    {
        using var data = new TempDirectory("vnch-bench-study");
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddVnchCore(new ConfigurationBuilder().Build()).AddVnchEmbeddedStorage(o => o.DataPath = data.Path);
        await using var provider = services.BuildServiceProvider();
        var tenant = TenantId.Parse("bench-hospital");
        var ingestion = provider.GetRequiredService<IngestionHandler>();
        var store = provider.GetRequiredService<IStudyStore>();
        var run = Guid.NewGuid().ToString("N");

        // Warm-up on another study (JIT, SQLite pages), then the measured study.
        for (var i = 0; i < 20; i++)
        {
            await IngestAsync(ingestion, tenant, Instance(run, "warm-up", i));
        }

        var documents = Enumerable.Range(0, count).Select(i => Instance(run, "ct", i)).ToList();
        var costs = new double[count];
        var next = -1;
        var wall = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var started = Stopwatch.GetTimestamp();
                await IngestAsync(ingestion, tenant, documents[i]);
                costs[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        wall.Stop();

        var studyId = StudyIds.Study(tenant, StudyKind.Imaging, DicomUid.FromName($"{run}/study/ct"));
        var study = await store.GetAsync(tenant, studyId, CancellationToken.None) ?? throw new InvalidOperationException("The study was not stored.");
        var instances = await store.ListInstancesAsync(tenant, studyId, CancellationToken.None);
        if (study.InstanceCount != count || instances.Count != count)
        {
            throw new InvalidOperationException($"Expected {count} instances, the study counts {study.InstanceCount} and holds {instances.Count}.");
        }

        Console.WriteLine($"study-{count}: one CT study of {count} instances ({documents[0].Length} B each) through IngestionHandler, {clients} client(s), " +
            $"{Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, embedded SQLite + files");
        Console.WriteLine($"wall {wall.Elapsed.TotalSeconds:F2} s, {count / wall.Elapsed.TotalSeconds:F0} instances/s");
        Console.WriteLine($"per instance: first 10 median {Median(costs.Take(10)):F3} ms, last 10 median {Median(costs.TakeLast(10)):F3} ms " +
            $"(ratio {Median(costs.TakeLast(10)) / Median(costs.Take(10)):F2})");
        Console.WriteLine("per 100 instances (median / p90 ms):");
        for (var from = 0; from < count; from += 100)
        {
            var bucket = costs.Skip(from).Take(100).ToList();
            Console.WriteLine($"  {from + 1,5}-{from + bucket.Count,-5} {Median(bucket),7:F3} / {Percentile(bucket, 0.9),7:F3}");
        }

        Console.WriteLine($"stored sizes: study document {System.Text.Json.JsonSerializer.Serialize(study).Length} B (JSON, any instance count), " +
            $"instance record {System.Text.Json.JsonSerializer.Serialize(instances[^1]).Length} B");
        return 0;
    }

    private static async Task IngestAsync(IngestionHandler ingestion, TenantId tenant, byte[] bytes)
    {
        var outcome = await ingestion.IngestAsync(new IngestRequest(tenant, new MemoryStream(bytes), "application/dicom", "bench", "bench", "bench"), CancellationToken.None);
        if (outcome.Status != IngestStatus.Accepted)
        {
            throw new InvalidOperationException($"Bench instance not accepted: {outcome.ReasonCode} {outcome.Message}");
        }
    }

    /// <summary>A small CT instance of the named study (no pixel data: the layout, not hashing, is measured).</summary>
    private static byte[] Instance(string run, string study, int index)
    {
        var dataset = DicomIndexContractTests.Dataset(
            DicomUid.FromName($"{run}/study/{study}"), DicomUid.FromName($"{run}/series/{study}/{index / 500}"), DicomUid.FromName($"{run}/instance/{study}/{index}"),
            "Nguyễn^Văn An", "P-1", "20261202", "103000", "CT", 1 + (index / 500), 1 + index, "ACC-1", "Trần^Bảo", "1.2.840.10008.5.1.4.1.1.2");
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, dataset);
        return stream.ToArray();
    }

    internal static double Median(IEnumerable<double> values) => Percentile(values, 0.5);

    internal static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}

internal static class LayoutArguments
{
    public static int At(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
