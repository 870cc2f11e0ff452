using BenchmarkDotNet.Attributes;
using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Audiometry;

/// <summary>
/// Reading the example audiogram in its two forms (docs/audiogram.example.json and its FHIR Bundle,
/// docs/audiogram.example.fhir.json) and analysing it. One-shot:
/// <c>dotnet run -c Release --project tests/VNCH.Network.Benchmarks -- audiogram</c>; BenchmarkDotNet: <c>-- audiogram-bdn</c>.
/// </summary>
[MemoryDiagnoser]
public class AudiogramBench
{
    private byte[] json = null!;
    private byte[] bundle = null!;
    private AudiogramDocument document = null!;

    [GlobalSetup]
    public void Setup()
    {
        json = File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"));
        bundle = File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.fhir.json"));
        document = ReadJson();
    }

    [Benchmark(Baseline = true)]
    public AudiogramDocument ReadJson() => AudiogramReader.Read(json);

    [Benchmark]
    public AudiogramDocument ReadFhirBundle() => FhirAudiogramReader.Read(new MemoryStream(bundle, writable: false));

    [Benchmark]
    public AudiogramAnalysis Analyze() => AudiogramInterpreter.Interpret(document);

    public static int RunOnce()
    {
        var bench = new AudiogramBench();
        bench.Setup();
        Console.WriteLine($"load average {OneShotTimer.LoadAverage()}; JSON {bench.json.Length} bytes, FHIR Bundle {bench.bundle.Length} bytes");
        Report("read audiogram JSON", () => bench.ReadJson());
        Report("read audiogram FHIR Bundle", () => bench.ReadFhirBundle());
        Report("analyse (PTA, WHO grade, type, tympanogram)", () => bench.Analyze());
        return 0;
    }

    private static void Report(string what, Func<object> action)
    {
        const int Runs = 200;
        var t = OneShotTimer.Measure(Runs, () => action());
        Console.WriteLine($"{what}: wall median {t.WallMedian * 1e6:0} µs (min {t.WallBest * 1e6:0}, max {t.WallWorst * 1e6:0}); CPU median {t.CpuMedian * 1e6:0} µs ({Runs} runs)");
    }
}
