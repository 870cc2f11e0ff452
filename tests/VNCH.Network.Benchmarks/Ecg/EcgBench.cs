using BenchmarkDotNet.Attributes;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Signals.Ecg.Wfdb;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Ecg;

/// <summary>
/// ECG analysis time for MIT-BIH record 100 (30 min, 2 leads, 360 Hz, 650 000 samples per lead): the whole
/// <see cref="EcgInterpreter.Interpret"/> (quality, QRS detection, delineation, interpretation) and QRS detection alone,
/// plus reading the WFDB files. One-shot: <c>dotnet run -c Release --project tests/VNCH.Network.Benchmarks -- ecg</c>;
/// BenchmarkDotNet: <c>-- ecg-bdn</c>.
/// </summary>
[MemoryDiagnoser]
public class EcgBench
{
    private EcgRecording recording = null!;
    private string header = null!;
    private byte[] signal = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = TestData.Directory("ecg/wfdb-python");
        header = File.ReadAllText(Path.Combine(folder, "100.hea"));
        signal = File.ReadAllBytes(Path.Combine(folder, "100.dat"));
        recording = ReadRecord100();
    }

    [Benchmark]
    public EcgAnalysis Analyze30MinTwoLeads() => EcgInterpreter.Interpret(recording);

    [Benchmark]
    public IReadOnlyList<int> DetectQrs30MinTwoLeads() => QrsDetector.Detect(recording);

    [Benchmark]
    public EcgRecording ReadWfdb212() => ReadRecord100();

    public static int RunOnce()
    {
        var bench = new EcgBench();
        bench.Setup();
        Console.WriteLine($"load average {OneShotTimer.LoadAverage()}");
        Console.WriteLine($"MIT-BIH 100: {bench.recording.Leads.Count} leads x {bench.recording.SampleCount} samples at {bench.recording.SamplingRateHz} Hz ({bench.recording.Duration.TotalMinutes:0.#} min); {Environment.ProcessorCount} cores visible, .NET {Environment.Version}");
        Report("read WFDB (format 212, from memory)", 20, () => bench.ReadWfdb212());
        Report("QRS detection (Pan-Tompkins, 2-lead fusion)", 20, () => bench.DetectQrs30MinTwoLeads());
        Report("full analysis (quality, QRS, delineation, interpretation)", 20, () => bench.Analyze30MinTwoLeads());
        var analysis = bench.Analyze30MinTwoLeads();
        Console.WriteLine($"result: {analysis.Beats.Count} beats, HR {analysis.HeartRateBpm:0.0}/min, QRS {analysis.Intervals.QrsMs:0} ms, QTc(B) {analysis.Intervals.QtcBazettMs:0} ms");
        return 0;
    }

    private EcgRecording ReadRecord100() =>
        WfdbRecordReader.Read(WfdbHeader.Parse(header), _ => new MemoryStream(signal, writable: false)).ToEcgRecording();

    private static void Report(string what, int runs, Func<object> action)
    {
        var t = OneShotTimer.Measure(runs, () => action());
        Console.WriteLine($"{what}: wall median {t.WallMedian * 1000:0.0} ms per record (min {t.WallBest * 1000:0.0}, max {t.WallWorst * 1000:0.0}); CPU median {t.CpuMedian * 1000:0.0} ms ({runs} runs)");
    }
}
