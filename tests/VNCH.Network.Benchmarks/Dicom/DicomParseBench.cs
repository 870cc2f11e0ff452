using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using VNCH.Network.Dicom;
using VNCH.Network.Testing;

namespace VNCH.Network.Benchmarks.Dicom;

/// <summary>
/// DICOM parsing over the shared corpus lists used by dicom/PEER_TIMINGS.md (reference/bench_*.txt), so the
/// figures sit beside dcmdump's and pydicom's. Data: VNCH_TESTDATA or ../shared/data beside the repository.
/// </summary>
[MemoryDiagnoser]
public class DicomParseBench
{
    private string[] _files = [];

    [Params(PixelDataMode.Skip, PixelDataMode.Reference, PixelDataMode.Load)]
    public PixelDataMode Mode { get; set; }

    [GlobalSetup]
    public void Setup() => _files = CorpusList("bench_parse_ok_files.txt").Files;

    [Benchmark]
    public int ParseCorpus() => ParseAll(_files, Options(Mode), touch: false);

    // pydicom reads the corpus's truncated files (force=True); so do we here, for a like-for-like comparison.
    private static DicomReadOptions Options(PixelDataMode mode) => new() { PixelDataMode = mode, TolerateTruncation = true };

    /// <summary>
    /// One-shot figures: files/s, MB/s and allocated bytes per case. Wall time is the median of 20 runs after
    /// 5 warm-up runs; CPU time (user + system of the whole process, all threads) is the total over the 20 runs
    /// divided by 20. Then the peers on the same list in the same run (dcmdump, and pydicom's loops of
    /// PEER_TIMINGS.md through tools/pydicom-parse-timing.py) and the ratios. On a shared, loaded machine the CPU
    /// ratios are the ones to compare.
    /// </summary>
    public static int RunOnce()
    {
        var parseOk = CorpusList("bench_parse_ok_files.txt");
        var all = CorpusList("bench_all_files.txt");
        foreach (var path in all.Files)
        {
            File.ReadAllBytes(path); // warm the page cache, as the peer timings did
        }

        Console.WriteLine($"DICOM parse benchmark ({Environment.ProcessorCount} logical CPUs, .NET {Environment.Version}), one process, 20 runs after 5 warm-up runs");
        Console.WriteLine($"{"case",-56} {"files",5} {"MB",6} {"wall s",7} {"files/s",8} {"MB/s",7} {"CPU s",7} {"MB/CPU s",9} {"alloc MB",8}");
        var skip = Report("metadata only (PixelDataMode.Skip)", parseOk, files => ParseAll(files, Options(PixelDataMode.Skip), touch: false));
        var reference = Report("full parse, pixels referenced (PixelDataMode.Reference)", parseOk, files => ParseAll(files, Options(PixelDataMode.Reference), touch: false));
        var load = Report("full parse, pixels loaded (PixelDataMode.Load)", parseOk, files => ParseAll(files, Options(PixelDataMode.Load), touch: false));
        var walk = Report("full parse + every value converted (like ds.walk)", parseOk, files => ParseAll(files, Options(PixelDataMode.Load), touch: true));
        Report("full parse (Load), all 388 files, failures caught", all, files => ParseAll(files, Options(PixelDataMode.Load), touch: false));

        Console.WriteLine();
        Console.WriteLine("Peers on the same list, right after (median of 3 runs after a warm-up):");
        var dcmdump = Dcmdump(parseOk.Files);
        var pydicom = new[] { "meta", "full", "full_walk" }.ToDictionary(kind => kind, kind => Pydicom(kind));
        Console.WriteLine();
        Console.WriteLine($"{"ratio (peer time / our time)",-62} {"wall",6} {"CPU",6}  goal");
        Ratio("metadata only vs pydicom stop_before_pixels (b1)", pydicom["meta"], skip, "");
        Ratio("pixels referenced vs pydicom full read (b2)", pydicom["full"], reference, "");
        Ratio("pixels loaded vs pydicom full read (b2)", pydicom["full"], load, ">= 5");
        Ratio("every value converted vs pydicom full read + walk (b3)", pydicom["full_walk"], walk, ">= 5");
        Ratio("pixels loaded vs dcmdump (a2)", dcmdump, load, ">= 2");
        Ratio("pixels referenced vs dcmdump (a2)", dcmdump, reference, "");
        return 0;
    }

    private static void Ratio(string name, (double Wall, double Cpu)? peer, (double Wall, double Cpu) ours, string goal) =>
        Console.WriteLine(peer is { } p
            ? $"{name,-62} {p.Wall / ours.Wall,6:F1} {p.Cpu / ours.Cpu,6:F1}  {goal}"
            : $"{name,-62} {"n/a",6} {"n/a",6}  (peer not available)");

    /// <summary>dcmdump over the whole list in one process (loop a2 of PEER_TIMINGS.md): median wall and CPU of 3 runs after a warm-up.</summary>
    private static (double Wall, double Cpu)? Dcmdump(string[] files)
    {
        if (!ChildProcesses.Exists("dcmdump"))
        {
            Console.WriteLine("dcmdump: not found (apt-get install dcmtk)");
            return null;
        }

        var runs = Enumerable.Range(0, 4).Select(_ => ChildProcesses.Run("dcmdump", ["-q", .. files])).Skip(1).ToList();
        var wall = runs.Select(r => r.Wall.TotalSeconds).Order().ElementAt(1);
        var cpu = runs.Select(r => r.Cpu.TotalSeconds).Order().ElementAt(1);
        Console.WriteLine($"dcmdump (a2), one process, all files: wall median {wall:F3} s, CPU median {cpu:F3} s");
        return (wall, cpu);
    }

    /// <summary>pydicom's loop (b1 meta, b2 full, b3 full_walk) through tools/pydicom-parse-timing.py, which prints its own medians.</summary>
    private static (double Wall, double Cpu)? Pydicom(string kind)
    {
        const string Python = "/usr/bin/python3";
        var script = Path.Combine(TestData.RepositoryRoot, "tools", "pydicom-parse-timing.py");
        var (exitCode, _, _, output) = ChildProcesses.Run(Python, [script, kind, Path.Combine("reference", "bench_parse_ok_files.txt")], Path.Combine(TestData.Root, "dicom"));
        var match = System.Text.RegularExpressions.Regex.Match(output, @"wall median ([0-9.]+) s, CPU median ([0-9.]+) s");
        if (exitCode != 0 || !match.Success)
        {
            Console.WriteLine($"pydicom {kind}: not available (apt-get install python3-pydicom): {output.Trim().Split('\n').LastOrDefault()}");
            return null;
        }

        Console.WriteLine(output.Trim());
        return (double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static (double Wall, double Cpu) Report(string name, (string[] Files, long Bytes) list, Func<string[], int> run)
    {
        const int runs = 20;
        for (var i = 0; i < 5; i++)
        {
            run(list.Files); // warm-up: lets tiered JIT reach optimised code, as a long-running worker would
        }

        var seconds = new List<double>();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            run(list.Files);
            seconds.Add(stopwatch.Elapsed.TotalSeconds);
        }

        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds / runs;
        var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)runs;
        seconds.Sort();
        var median = seconds[seconds.Count / 2];
        var mb = list.Bytes / 1e6;
        Console.WriteLine($"{name,-56} {list.Files.Length,5} {mb,6:F2} {median,7:F4} {list.Files.Length / median,8:F0} {mb / median,7:F0} {cpu,7:F4} {mb / cpu,9:F0} {allocated / 1e6,8:F1}");
        return (median, cpu);
    }

    private static int ParseAll(string[] files, DicomReadOptions options, bool touch)
    {
        var count = 0;
        foreach (var path in files)
        {
            try
            {
                using var file = DicomReader.ReadFile(path, options);
                count += file.Dataset.Count;
                if (touch)
                {
                    count += Touch(file.Dataset);
                }
            }
            catch (DicomException)
            {
                count--;
            }
        }

        return count;
    }

    private static int Touch(DicomDataset root)
    {
        var n = 0;
        var stack = new Stack<DicomDataset>([root]);
        while (stack.Count > 0)
        {
            var ds = stack.Pop();
            foreach (var e in ds)
            {
                if (e.Items is { } items)
                {
                    items.ToList().ForEach(stack.Push);
                }
                else if (DicomVRInfo.IsString(e.VR))
                {
                    n += e.VR == DicomVR.PN ? ds.GetPersonNames(e.Tag).Count : ds.GetStrings(e.Tag).Length;
                }
                else if (DicomVRInfo.BinaryItemSize(e.VR) > 0 && e.VR != DicomVR.AT && e.RawValue.Length < 4096)
                {
                    n += ds.GetDoubles(e.Tag).Length;
                }
            }
        }

        return n;
    }

    private static (string[] Files, long Bytes) CorpusList(string listName)
    {
        var root = TestData.Root;
        var files = File.ReadAllLines(Path.Combine(root, "dicom", "reference", listName))
            .Where(l => l.Length > 0)
            .Select(l => Path.Combine(root, "dicom", l))
            .ToArray();
        return (files, files.Sum(f => new FileInfo(f).Length));
    }

}
