using BenchmarkDotNet.Running;
using VNCH.Network.Benchmarks.Ecg;
using VNCH.Network.Benchmarks.Inference;
using VNCH.Network.Benchmarks.Pixels;

// One-shot benchmark commands print figures quickly; the *-bdn variants run BenchmarkDotNet.
// Usage: dotnet run -c Release --project tests/VNCH.Network.Benchmarks -- <case>
// Add a case with one line in this table.
var cases = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["ecg"] = _ => EcgBench.RunOnce(),
    ["ecg-bdn"] = Run<EcgBench>,
    ["pixels"] = _ => PixelBench.RunOnce(),
    ["pixels-bdn"] = Run<PixelBench>,
    ["inference"] = _ => InferenceBench.RunOnce(),
    ["inference-bdn"] = Run<InferenceBench>,
};

if (args.Length > 0 && cases.TryGetValue(args[0], out var run))
{
    return run(args);
}

Console.Error.WriteLine($"usage: VNCH.Network.Benchmarks <case> where case is one of: {string.Join(", ", cases.Keys)}");
return 2;

static int Run<T>(string[] args)
{
    BenchmarkRunner.Run<T>(args: args.Skip(1).ToArray());
    return 0;
}
