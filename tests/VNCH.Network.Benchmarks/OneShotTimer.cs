using System.Diagnostics;

namespace VNCH.Network.Benchmarks;

/// <summary>
/// Times repeated runs of one action for the one-shot bench commands: wall time, and the CPU time of this process,
/// which stays meaningful when other processes share the cores.
/// </summary>
public static class OneShotTimer
{
    /// <summary>Runs <paramref name="action"/> once to warm up (JIT), then <paramref name="runs"/> timed times.</summary>
    /// <returns>Wall and CPU seconds per run, each sorted ascending.</returns>
    public static TimedRuns Measure(int runs, Action action)
    {
        action();
        var process = Process.GetCurrentProcess();
        var wall = new double[runs];
        var cpu = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            action();
            wall[i] = watch.Elapsed.TotalSeconds;
            process.Refresh();
            cpu[i] = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        }

        Array.Sort(wall);
        Array.Sort(cpu);
        return new TimedRuns(wall, cpu);
    }

    /// <summary>The machine's load average, printed beside figures so that a loaded measurement says so.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
}

/// <summary>Sorted wall and CPU seconds of timed runs.</summary>
public sealed record TimedRuns(double[] WallSeconds, double[] CpuSeconds)
{
    public double WallMedian => WallSeconds[WallSeconds.Length / 2];

    public double WallBest => WallSeconds[0];

    public double WallWorst => WallSeconds[^1];

    public double CpuMedian => CpuSeconds[CpuSeconds.Length / 2];
}
