using BenchmarkDotNet.Running;
using VNCH.Network.Benchmarks.Ecg;

// One-shot benchmark commands print figures quickly; the *-bdn variants run BenchmarkDotNet.
// Usage: dotnet run -c Release --project tests/VNCH.Network.Benchmarks -- <case>
return args.FirstOrDefault() switch
{
    "ecg" => EcgBench.RunOnce(),
    "ecg-bdn" => Run<EcgBench>(args),
    _ => Usage(),
};

static int Run<T>(string[] args)
{
    BenchmarkRunner.Run<T>(args: args.Skip(1).ToArray());
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: VNCH.Network.Benchmarks <case> where case is one of: ecg, ecg-bdn");
    return 2;
}
