using BenchmarkDotNet.Running;
using VNCH.Network.Benchmarks.Ecg;
using VNCH.Network.Benchmarks.Pixels;

// One-shot benchmark commands print figures quickly; the *-bdn variants run BenchmarkDotNet.
// Usage: dotnet run -c Release --project tests/VNCH.Network.Benchmarks -- <case>
return args.FirstOrDefault() switch
{
    "ecg" => EcgBench.RunOnce(),
    "ecg-bdn" => Run<EcgBench>(args),
    "pixels" => PixelBench.RunOnce(),
    "pixels-bdn" => Run<PixelBench>(args),
    _ => Usage(),
};

static int Run<T>(string[] args)
{
    BenchmarkRunner.Run<T>(args: args.Skip(1).ToArray());
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: VNCH.Network.Benchmarks <case> where case is one of: ecg, ecg-bdn, pixels, pixels-bdn");
    return 2;
}
