using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using VNCH.Network.Dicom;

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
    /// divided by 20. On a shared, loaded machine the CPU figure is the one to compare.
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
        Report("metadata only (PixelDataMode.Skip)", parseOk, files => ParseAll(files, Options(PixelDataMode.Skip), touch: false));
        Report("full parse, pixels referenced (PixelDataMode.Reference)", parseOk, files => ParseAll(files, Options(PixelDataMode.Reference), touch: false));
        Report("full parse, pixels loaded (PixelDataMode.Load)", parseOk, files => ParseAll(files, Options(PixelDataMode.Load), touch: false));
        Report("full parse + every value converted (like ds.walk)", parseOk, files => ParseAll(files, Options(PixelDataMode.Load), touch: true));
        Report("full parse (Load), all 388 files, failures caught", all, files => ParseAll(files, Options(PixelDataMode.Load), touch: false));
        return 0;
    }

    private static void Report(string name, (string[] Files, long Bytes) list, Func<string[], int> run)
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
    }

    private static int ParseAll(string[] files, DicomReadOptions options, bool touch)
    {
        var count = 0;
        foreach (var path in files)
        {
            try
            {
                var file = DicomReader.ReadFile(path, options);
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
        var root = DataRoot();
        var files = File.ReadAllLines(Path.Combine(root, "dicom", "reference", listName))
            .Where(l => l.Length > 0)
            .Select(l => Path.Combine(root, "dicom", l))
            .ToArray();
        return (files, files.Sum(f => new FileInfo(f).Length));
    }

    private static string DataRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("VNCH_TESTDATA");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VNCH.Network.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data"));
            }
        }

        throw new DirectoryNotFoundException("Set VNCH_TESTDATA to the shared data folder (holding dicom/).");
    }
}
