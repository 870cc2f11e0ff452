using BenchmarkDotNet.Running;
using VNCH.Network.Benchmarks.Dicom;

// One-shot benchmark commands print figures quickly; the *-bdn variants run BenchmarkDotNet.
// Usage: dotnet run -c Release --project tests/VNCH.Network.Benchmarks -- <case>
// Add a case with one line below; anything else goes to BenchmarkDotNet's switcher.
return args.FirstOrDefault() switch
{
    "dicom-parse" => DicomParseBench.RunOnce(),
    "dicom-parse-bdn" => Run<DicomParseBench>(args),
    _ => Switch(args),
};

static int Run<T>(string[] args)
{
    BenchmarkRunner.Run<T>(args: args.Skip(1).ToArray());
    return 0;
}

static int Switch(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(DicomParseBench).Assembly).Run(args);
    return 0;
}
