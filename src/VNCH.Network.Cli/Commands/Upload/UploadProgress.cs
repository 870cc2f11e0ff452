using System.Diagnostics;
using Spectre.Console;

namespace VNCH.Network.Cli.Commands.Upload;

/// <summary>Receives each file's result as it arrives; shows files, bytes, rate and ETA.</summary>
public interface IUploadProgress
{
    void Completed(UploadResult result);
}

/// <summary>Where progress goes: a live Spectre.Console display on a terminal, plain lines when output is redirected.</summary>
public static class UploadProgressDisplay
{
    public static async Task RunAsync(bool live, TextWriter plainOutput, int files, long bytes, Func<IUploadProgress, Task> work)
    {
        if (!live)
        {
            await work(new PlainProgress(plainOutput, files, bytes));
            return;
        }

        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(),
                new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"0/{files} files", maxValue: Math.Max(1, bytes));
                await work(new LiveProgress(task, files));
            });
    }

    private sealed class LiveProgress(ProgressTask task, int files) : IUploadProgress
    {
        private int done;

        public void Completed(UploadResult result)
        {
            var count = Interlocked.Increment(ref done);
            task.Increment(result.Length);
            task.Description = $"{count}/{files} files";
        }
    }

    /// <summary>One line per file, and a progress line at most every two seconds (and at the end).</summary>
    private sealed class PlainProgress(TextWriter output, int files, long bytes) : IUploadProgress
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly Lock gate = new();
        private int done;
        private long sent;
        private TimeSpan lastLine;

        public void Completed(UploadResult result)
        {
            lock (gate)
            {
                done++;
                sent += result.Length;
                var detail = result.IsProblem ? $" ({result.Reason}: {result.Message})" : result.StudyId is null ? "" : $" study {result.StudyId}";
                output.WriteLine($"{result.Status,-9} {result.Path}{detail}{(result.FromJournal ? " [journal]" : "")}");
                if (done == files || clock.Elapsed - lastLine >= TimeSpan.FromSeconds(2))
                {
                    lastLine = clock.Elapsed;
                    var rate = sent / Math.Max(0.001, clock.Elapsed.TotalSeconds);
                    var eta = rate > 0 ? TimeSpan.FromSeconds((bytes - sent) / rate) : TimeSpan.Zero;
                    output.WriteLine($"progress: {done}/{files} files, {Size(sent)} of {Size(bytes)}, {Size((long)rate)}/s, ETA {eta:hh\\:mm\\:ss}");
                }

                output.Flush();
            }
        }
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
