using BenchmarkDotNet.Running;
using VNCH.Network.Benchmarks.Audiometry;
using VNCH.Network.Benchmarks.Cli;
using VNCH.Network.Benchmarks.Dicom;
using VNCH.Network.Benchmarks.Ecg;
using VNCH.Network.Benchmarks.Inference;
using VNCH.Network.Benchmarks.Layout;
using VNCH.Network.Benchmarks.Pixels;
using VNCH.Network.Benchmarks.Reporting;
using VNCH.Network.Benchmarks.Service;

// One-shot benchmark commands print figures quickly; the *-bdn variants run BenchmarkDotNet.
// Usage: dotnet run -c Release --project tests/VNCH.Network.Benchmarks -- <case>
// Add a case with one line in this table; any other first argument goes to BenchmarkDotNet's switcher.
var cases = new Dictionary<string, Func<string[], int>>(StringComparer.OrdinalIgnoreCase)
{
    ["dicom-parse"] = _ => DicomParseBench.RunOnce(),
    ["dicom-parse-bdn"] = Run<DicomParseBench>,
    ["ecg"] = _ => EcgBench.RunOnce(),
    ["ecg-bdn"] = Run<EcgBench>,
    ["pixels"] = _ => PixelBench.RunOnce(),
    ["pixels-bdn"] = Run<PixelBench>,
    ["inference"] = _ => InferenceBench.RunOnce(),
    ["inference-bdn"] = Run<InferenceBench>,
    ["ingest"] = IngestBench.Run,
    ["audiogram"] = _ => AudiogramBench.RunOnce(),
    ["audiogram-bdn"] = Run<AudiogramBench>,
    ["reporting"] = ReportingBench.Run,
    ["cli-upload"] = UploadThroughputBench.Run,
    ["dicomweb-orthanc"] = DicomWebOrthancBench.Run,
    ["ingest-orthanc"] = IngestOrthancBench.Run,
    ["analysis-parts"] = AnalysisPartsBench.Run,
    ["study-2000"] = StudyLayoutBench.Run,
    ["hospital-100k"] = HospitalListingBench.Run,
    ["upload-1gb"] = LargeUploadBench.Run,
};

if (args.Length > 0 && cases.TryGetValue(args[0], out var run))
{
    return run(args);
}

if (args.Length == 0)
{
    Console.Error.WriteLine($"usage: VNCH.Network.Benchmarks <case> where case is one of: {string.Join(", ", cases.Keys)} (anything else: BenchmarkDotNet switcher arguments)");
    return 2;
}

BenchmarkSwitcher.FromAssembly(typeof(DicomParseBench).Assembly).Run(args);
return 0;

static int Run<T>(string[] args)
{
    BenchmarkRunner.Run<T>(args: args.Skip(1).ToArray());
    return 0;
}
