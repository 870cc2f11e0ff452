using VNCH.Network.Core;
using Microsoft.Extensions.Configuration;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded;
using VNCH.Network.Embedded.Work;
using VNCH.Network.Inference;
using VNCH.Network.Inference.Registry;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Service;

/// <summary>
/// Service throughput on the embedded stack, in process: N distinct DICOM instances go through the ingestion
/// handler (original stored and hashed, parsed, study written, work item queued) with C concurrent uploads while
/// W analysis workers drain the SQLite queue (the pneumonia model and the clinical algorithms registered as in the
/// hosts; routing, inference, FHIR records, final status). Prints instances/s and
/// p50/p99 of the ingest call (what an HTTP client waits for) and of ingest-to-final-state.
/// Usage: ingest [N=400] [C=4] [W=2]
/// </summary>
public static class IngestBench
{
    internal const string Template = "dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm";
    // SOP Instance UID and Study Instance UID of the template: one study per generated instance.
    private static readonly string[] TemplateUids =
    [
        "1.2.826.0.1.3680043.8.498.13264921095012074311735208965912593829",
        "1.2.826.0.1.3680043.8.498.91808557519302549190357121378984116360",
    ];

    public static int Run(string[] args)
    {
        var count = Argument(args, 1, 400);
        var concurrency = Argument(args, 2, 4);
        var workers = Argument(args, 3, 2);
        return RunAsync(count, concurrency, workers).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int count, int concurrency, int workers)
    {
        using var data = new TempDirectory("vnch-bench");
        var finished = new ConcurrentDictionary<string, long>();
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddVnchCore(new ConfigurationBuilder().Build()).AddVnchEmbeddedStorage(o => o.DataPath = data.Path).AddVnchEmbeddedWorkers();
        // The analysers the hosts register: every instance runs the pneumonia model.
        services.AddVnchAnalysers(new InferenceOptions(), TestData.RepositoryRoot);
        var statuses = new ConcurrentDictionary<string, int>();
        services.AddSingleton<IEventPublisher>(new CompletionClock(finished, statuses));
        await using var provider = services.BuildServiceProvider();
        var tenant = TenantId.Parse("bench-hospital");
        await provider.GetRequiredService<ITenantDirectory>().UpsertAsync(
            new Tenant { Id = tenant, Name = "Bench", Mappings = [new(TenantMappingKind.HospitalClaim, "bench-hospital")] }, CancellationToken.None);
        var ingestion = provider.GetRequiredService<IngestionHandler>();
        var worker = provider.GetRequiredService<AnalysisWorker>();

        var template = await File.ReadAllBytesAsync(TestData.File(Template));
        var instances = Enumerable.Range(0, count).Select(i => WithUniqueUids(template, i)).ToList();
        await IngestOneAsync(ingestion, tenant, WithUniqueUids(template, count + 1)); // warm-up (JIT, SQLite, Firely)
        while (await worker.ProcessNextAsync(CancellationToken.None))
        {
        }

        finished.Clear();
        var started = new ConcurrentDictionary<string, long>();
        var ingestLatencies = new ConcurrentBag<double>();
        using var stop = new CancellationTokenSource();
        var wall = Stopwatch.StartNew();
        var consumers = Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!await worker.ProcessNextAsync(CancellationToken.None))
                {
                    await Task.Delay(5);
                }
            }
        })).ToList();

        await Parallel.ForEachAsync(instances, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (bytes, ct) =>
        {
            var t0 = Stopwatch.GetTimestamp();
            var outcome = await IngestOneAsync(ingestion, tenant, bytes);
            started[outcome.StudyId!] = t0;
            ingestLatencies.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        });

        var deadline = Stopwatch.StartNew();
        while (finished.Count < count)
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"Only {finished.Count} of {count} studies reached a final state in 10 minutes.");
            }

            await Task.Delay(5);
        }

        wall.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(consumers);

        var endToEnd = started.Select(s => Stopwatch.GetElapsedTime(s.Value, finished[s.Key]).TotalMilliseconds).ToList();
        Console.WriteLine($"ingest benchmark: {count} instances of {template.Length / 1024} KiB (CR, JPEG baseline), {concurrency} concurrent uploads, {workers} analysis workers, " +
            $"{Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, embedded SQLite + files");
        Console.WriteLine($"throughput      {count / wall.Elapsed.TotalSeconds,8:F1} instances/s  ({wall.Elapsed.TotalSeconds:F2} s wall, ingest to final state)");
        Console.WriteLine($"ingest call     p50 {Percentile(ingestLatencies, 0.50),8:F1} ms   p99 {Percentile(ingestLatencies, 0.99),8:F1} ms");
        Console.WriteLine($"to final state  p50 {Percentile(endToEnd, 0.50),8:F1} ms   p99 {Percentile(endToEnd, 0.99),8:F1} ms");
        Console.WriteLine($"analysers       {string.Join(", ", provider.GetServices<IAnalyser>().Select(a => $"{a.Descriptor.Id}@{a.Descriptor.Version}"))}; " +
            $"final states {string.Join(", ", statuses.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key} {s.Value}"))}");
        return 0;
    }

    private static async Task<IngestOutcome> IngestOneAsync(IngestionHandler ingestion, TenantId tenant, byte[] bytes)
    {
        var outcome = await ingestion.IngestAsync(
            new IngestRequest(tenant, new MemoryStream(bytes), "application/dicom", "bench", "bench", "bench"), CancellationToken.None);
        return outcome.Status == IngestStatus.Accepted
            ? outcome
            : throw new InvalidOperationException($"Bench instance not accepted: {outcome.ReasonCode} {outcome.Message}");
    }

    /// <summary>
    /// A distinct instance per index: the template's SOP Instance UID (file meta and data set) and Study Instance UID
    /// get the index written over their last digits, same length, so the file stays valid byte for byte elsewhere.
    /// </summary>
    internal static byte[] WithUniqueUids(byte[] template, int index) => WithUniqueUids(template, index, TemplateUids);

    /// <inheritdoc cref="WithUniqueUids(byte[], int)"/>
    /// <param name="uids">The template's UIDs to make unique (at least 8 digits at their end).</param>
    internal static byte[] WithUniqueUids(byte[] template, int index, IReadOnlyList<string> uids)
    {
        var copy = (byte[])template.Clone();
        var suffix = Encoding.ASCII.GetBytes(index.ToString("D8", CultureInfo.InvariantCulture));
        foreach (var uid in uids.Select(Encoding.ASCII.GetBytes))
        {
            var replaced = 0;
            for (var at = copy.AsSpan().IndexOf(uid); at >= 0; at = Next(copy, uid, at + uid.Length))
            {
                suffix.CopyTo(copy, at + uid.Length - suffix.Length);
                replaced++;
            }

            if (replaced == 0)
            {
                throw new InvalidOperationException("Template UID not found.");
            }
        }

        return copy;
    }

    private static int Next(byte[] bytes, byte[] pattern, int from)
    {
        var found = bytes.AsSpan(from).IndexOf(pattern);
        return found < 0 ? -1 : from + found;
    }

    internal static double Percentile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
    }

    internal static int Argument(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    private sealed class CompletionClock(ConcurrentDictionary<string, long> finished, ConcurrentDictionary<string, int> statuses) : IEventPublisher
    {
        public Task PublishAsync(StudyResultEvent resultEvent, CancellationToken cancellationToken)
        {
            finished[resultEvent.StudyId] = Stopwatch.GetTimestamp();
            statuses.AddOrUpdate(resultEvent.Status.ToString(), 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }
}
