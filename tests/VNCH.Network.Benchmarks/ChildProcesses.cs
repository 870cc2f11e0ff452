using System.Diagnostics;
using System.Runtime.InteropServices;

namespace VNCH.Network.Benchmarks;

/// <summary>CPU time of the peer or client processes a bench starts and waits for.</summary>
internal static class ChildProcesses
{
    /// <summary>User + system CPU of this process's finished (reaped) children so far, from getrusage(RUSAGE_CHILDREN).</summary>
    public static TimeSpan Cpu()
    {
        const int RusageChildren = -1;
        var usage = new long[18]; // struct rusage on 64-bit Linux: two timevals, then 14 longs
        if (GetRusage(RusageChildren, usage) != 0)
        {
            throw new InvalidOperationException("getrusage failed.");
        }

        static TimeSpan Time(long seconds, long micros) => TimeSpan.FromSeconds(seconds) + TimeSpan.FromMicroseconds(micros);
        return Time(usage[0], usage[1]) + Time(usage[2], usage[3]);
    }

    /// <summary>Runs a program to its end with output discarded; returns its exit code, wall and CPU time.</summary>
    public static (int ExitCode, TimeSpan Wall, TimeSpan Cpu, string Output) Run(string program, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var cpuBefore = Cpu();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        var wall = watch.Elapsed;
        return (process.ExitCode, wall, Cpu() - cpuBefore, output.Result + error.Result);
    }

    /// <summary>Whether a program is on the PATH (or an absolute path that exists).</summary>
    public static bool Exists(string program) =>
        Path.IsPathRooted(program) ? File.Exists(program)
        : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, program)));

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static extern int GetRusage(int who, long[] usage);
}
