using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using VNCH.Network.Inference.Registry;
using VNCH.Network.Inference.Runtime;

namespace VNCH.Network.Benchmarks.Inference;

/// <summary>
/// Latency of the pneumonia model on one thread: preprocessing a full-size radiograph, and one ONNX inference
/// (single image, batch 1, ensemble and TTA included). One-shot: <c>dotnet run -c Release --project
/// tests/VNCH.Network.Benchmarks -- inference</c>; BenchmarkDotNet: <c>-- inference-bdn</c>.
/// </summary>
[MemoryDiagnoser]
public class InferenceBench
{
    private OnnxModel model = null!;
    private ModelRegistry registry = null!;
    private byte[] radiograph = null!;
    private float[] tensor = null!;

    public const int RadiographWidth = 2048;
    public const int RadiographHeight = 1600;

    [GlobalSetup]
    public void Setup()
    {
        registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = ModelsPath(), IntraOpThreads = 1, InterOpThreads = 1 });
        model = registry.Find("pediatric-cxr-pneumonia")
            ?? throw new InvalidOperationException($"Model not loaded: {string.Join("; ", registry.Refused.Select(r => r.Reason))}");
        radiograph = SyntheticRadiograph(RadiographWidth, RadiographHeight);
        tensor = model.Preprocessor.Preprocess(radiograph, RadiographWidth, RadiographHeight);
    }

    [GlobalCleanup]
    public void Cleanup() => registry.Dispose();

    [Benchmark]
    public float[] Preprocess2048x1600() => model.Preprocessor.Preprocess(radiograph, RadiographWidth, RadiographHeight);

    [Benchmark]
    public float Infer1Image() => model.Score(tensor, 1)[0];

    public static int RunOnce()
    {
        var bench = new InferenceBench();
        bench.Setup();
        try
        {
            Console.WriteLine($"model {bench.model.Id} {bench.model.Manifest.Version}, ONNX Runtime intra-op threads 1, {Environment.ProcessorCount} cores visible");
            Report("preprocess 2048x1600 gray8 -> [1,1,28,28]", 300, () => bench.Preprocess2048x1600());
            Report("inference, 1 image (3-model ensemble x 2 TTA)", 3000, () => bench.Infer1Image());
            Report("preprocess + inference (Classify)", 300, () => bench.model.Classify(bench.radiograph, RadiographWidth, RadiographHeight, "bench"));
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }

    private static void Report(string name, int iterations, Action action)
    {
        for (var i = 0; i < Math.Max(20, iterations / 10); i++)
        {
            action();
        }

        var samples = new double[iterations];
        // CPU time of the process as well as wall time: on a shared machine the wall time includes waiting for a core,
        // the CPU time does not (ONNX Runtime with one intra-op thread computes on the calling thread).
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        for (var i = 0; i < iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        process.Refresh();
        var cpuPerCall = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / iterations;
        Array.Sort(samples);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{name}: wall median {samples[iterations / 2]:F3} ms, min {samples[0]:F3} ms, p95 {samples[(int)(iterations * 0.95)]:F3} ms; CPU {cpuPerCall:F3} ms/call ({iterations} runs)"));
    }

    private static string ModelsPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "models");
            if (File.Exists(Path.Combine(dir.FullName, "VNCH.Network.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("models/ was not found above the benchmark binaries.");
    }

    // A smooth chest-like synthetic image (bright mediastinum, darker lungs); content does not change the cost.
    private static byte[] SyntheticRadiograph(int width, int height)
    {
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var dx = Math.Abs(x - (width / 2.0)) / (width / 2.0);
                var v = 200 - (120 * Math.Sin(Math.PI * dx)) + (20 * Math.Sin(y / 37.0));
                pixels[(y * width) + x] = (byte)Math.Clamp(v, 0, 255);
            }
        }

        return pixels;
    }
}
