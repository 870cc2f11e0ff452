using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded;
using VNCH.Network.Embedded.Work;
using VNCH.Network.Inference;
using VNCH.Network.Inference.Imaging;
using VNCH.Network.Inference.Registry;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Service;

/// <summary>
/// The analysis stage per chest X-ray instance against the sum of its parts measured alone (issue 12: at most 1.2×).
/// On the embedded stack in process (SQLite + files, the hosts' analysers): N instances of the ingest-orthanc template
/// (CR, explicit VR little endian, unique UIDs, one study each) are ingested, then one worker drains the queue one
/// item at a time (<see cref="AnalysisWorker.ProcessNextAsync"/>: receive, start, read the original, decode, render,
/// preprocess, infer, FHIR records, study, reporting projection, audit, complete) — the stage. Then the parts alone on
/// the same stored originals: parse (DICOM read, first frame decoded and rendered to gray8), preprocess (crop, resize,
/// scale), inference (one ONNX run) and mapping (the FHIR resources of the analysed study and their JSON).
/// Rounds alternate stage and parts. CPU time of the process per instance is the headline (the machine is shared: wall
/// time includes waiting for a core); wall medians are printed beside it.
/// Usage: analysis-parts [N=60] [rounds=3]
/// </summary>
public static class AnalysisPartsBench
{
    private const string Template = "dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm";

    public static int Run(string[] args)
    {
        var count = IngestBench.Argument(args, 1, 60);
        var rounds = IngestBench.Argument(args, 2, 3);
        return RunAsync(count, rounds).GetAwaiter().GetResult();
    }

    private static async Task<int> RunAsync(int count, int rounds)
    {
        using var data = new TempDirectory("vnch-bench-analysis");
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddVnchCore(new ConfigurationBuilder().Build()).AddVnchEmbeddedStorage(o => o.DataPath = data.Path).AddVnchEmbeddedWorkers();
        services.AddVnchAnalysers(new InferenceOptions(), TestData.RepositoryRoot);
        await using var provider = services.BuildServiceProvider();
        var tenant = TenantId.Parse("bench-hospital");
        await provider.GetRequiredService<ITenantDirectory>().UpsertAsync(
            new Tenant { Id = tenant, Name = "Bench", Mappings = [new(TenantMappingKind.HospitalClaim, "bench-hospital")] }, CancellationToken.None);
        var ingestion = provider.GetRequiredService<IngestionHandler>();
        var worker = provider.GetRequiredService<AnalysisWorker>();
        var studies = provider.GetRequiredService<IStudyStore>();
        var originals = provider.GetRequiredService<IOriginalStore>();
        var model = provider.GetRequiredService<ModelRegistry>().Find("pediatric-cxr-pneumonia")
            ?? throw new InvalidOperationException("The pediatric-cxr-pneumonia model did not load.");
        var template = await File.ReadAllBytesAsync(TestData.File(Template));
        var uids = IngestOrthancBench.TemplateUids(template);
        var next = 0;

        async Task<List<(string StudyId, string Sha256)>> IngestAsync(int n)
        {
            var ingested = new List<(string, string)>();
            for (var i = 0; i < n; i++)
            {
                var outcome = await ingestion.IngestAsync(
                    new IngestRequest(tenant, new MemoryStream(IngestBench.WithUniqueUids(template, next++, uids)), MediaTypes.Dicom, "bench", "bench", "bench"),
                    CancellationToken.None);
                ingested.Add(outcome.Status == IngestStatus.Accepted
                    ? (outcome.StudyId!, outcome.Sha256!)
                    : throw new InvalidOperationException($"Bench instance not accepted: {outcome.ReasonCode} {outcome.Message}"));
            }

            return ingested;
        }

        // Warm-up of both paths (JIT, SQLite pages, Firely, ONNX Runtime).
        var warm = await IngestAsync(10);
        while (await worker.ProcessNextAsync(CancellationToken.None))
        {
        }

        var parts = new Parts();
        await MeasurePartsAsync(warm, new Parts());

        var stageWall = new List<double>();
        double stageCpu = 0;
        for (var round = 0; round < rounds; round++)
        {
            var batch = await IngestAsync(count);
            var cpu = CpuMilliseconds();
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                if (!await worker.ProcessNextAsync(CancellationToken.None))
                {
                    throw new InvalidOperationException("The queue ran dry before every bench study was analysed.");
                }

                stageWall.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            stageCpu += CpuMilliseconds() - cpu;
            foreach (var (studyId, _) in batch)
            {
                var study = await studies.GetAsync(tenant, studyId, CancellationToken.None);
                if (study?.Status != StudyStatus.Completed)
                {
                    throw new InvalidOperationException($"Study {studyId} ended {study?.Status}, not completed.");
                }
            }

            await MeasurePartsAsync(batch, parts);
        }

        var n = count * rounds;
        var stage = stageCpu / n;
        var sum = parts.Cpu.Sum() / n;
        var stageMedian = Median(stageWall);
        var sumMedians = parts.Wall.Sum(Median);
        Console.WriteLine($"analysis-parts: {rounds} rounds of {count} CR instances ({template.Length / 1024} KiB, {Path.GetFileName(Template)}, one study each), " +
            $"one worker, {Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}, embedded SQLite + files, model {model.Id} {model.Manifest.Version}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"",-34} {"CPU ms/instance",16} {"wall median ms",15}"));
        Console.WriteLine(Line("analysis stage (worker, one item)", stage, stageMedian));
        for (var p = 0; p < Parts.Names.Length; p++)
        {
            Console.WriteLine(Line("  part alone: " + Parts.Names[p], parts.Cpu[p] / n, Median(parts.Wall[p])));
        }

        Console.WriteLine(Line("  sum of the parts", sum, sumMedians));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ratio stage / sum of parts: CPU {stage / sum:F2}, wall medians {stageMedian / sumMedians:F2} (target <= 1.2)"));
        return 0;

        // Each part runs over the whole batch on its own, timed as a whole: the process CPU clock ticks too coarsely for
        // one call, and a part alone is what the issue compares with.
        async Task MeasurePartsAsync(List<(string StudyId, string Sha256)> batch, Parts into)
        {
            var analysed = new List<(Study Study, IReadOnlyList<StudyInstance> Instances)>();
            foreach (var (studyId, _) in batch)
            {
                var study = await studies.GetAsync(tenant, studyId, CancellationToken.None) ?? throw new InvalidOperationException("Study missing.");
                analysed.Add((study, await studies.ListInstancesAsync(tenant, studyId, CancellationToken.None)));
            }

            var inputs = new List<DicomImageInput>();
            await into.TimeAsync(0, batch, async item =>
            {
                await using var stream = await originals.OpenAsync(tenant, item.Sha256, CancellationToken.None);
                inputs.Add(DicomImageInput.Read(stream));
            });
            var tensors = new List<float[]>();
            await into.TimeAsync(1, inputs, input =>
            {
                tensors.Add(model.Preprocessor.Preprocess(input.Gray8, input.Width, input.Height));
                return Task.CompletedTask;
            });
            inputs.ForEach(input => input.Dispose());
            await into.TimeAsync(2, tensors, tensor =>
            {
                _ = model.Score(tensor, 1);
                return Task.CompletedTask;
            });
            await into.TimeAsync(3, analysed, item =>
            {
                _ = FhirStudyMapper.ToRecords(item.Study, FhirStudyMapper.Map(item.Study, item.Instances, DateTimeOffset.UtcNow));
                return Task.CompletedTask;
            });
        }
    }

    private static string Line(string name, double cpu, double wall) =>
        string.Create(CultureInfo.InvariantCulture, $"{name,-34} {cpu,16:F3} {wall,15:F3}");

    private static double CpuMilliseconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    private static double Median(List<double> values) => IngestBench.Percentile(values, 0.5);

    /// <summary>Per part: wall time of each call and the process CPU time of all of them.</summary>
    private sealed class Parts
    {
        public static readonly string[] Names = ["parse (read, decode, gray8)", "preprocess", "inference", "mapping (FHIR + JSON)"];

        public List<double>[] Wall { get; } = [[], [], [], []];

        public double[] Cpu { get; } = new double[Names.Length];

        public async Task TimeAsync<T>(int part, IEnumerable<T> items, Func<T, Task> action)
        {
            var cpu = CpuMilliseconds();
            foreach (var item in items)
            {
                var started = Stopwatch.GetTimestamp();
                await action(item);
                Wall[part].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            Cpu[part] += CpuMilliseconds() - cpu;
        }
    }
}
