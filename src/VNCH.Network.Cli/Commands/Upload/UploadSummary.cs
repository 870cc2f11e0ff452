using Spectre.Console;

namespace VNCH.Network.Cli.Commands.Upload;

/// <summary>The counts a run ends with (files answered from the journal are counted by their recorded verdict, and in FromJournal).</summary>
public sealed record UploadSummary(int Files, int Accepted, int Duplicate, int Rejected, int Failed, int Skipped, int FromJournal, long Bytes, double Seconds)
{
    public static UploadSummary From(IReadOnlyList<UploadResult> results, TimeSpan elapsed) => new(
        results.Count,
        results.Count(r => r.Status == UploadResult.Accepted),
        results.Count(r => r.Status == UploadResult.Duplicate),
        results.Count(r => r.Status == UploadResult.Rejected),
        results.Count(r => r.Status == UploadResult.Failed),
        results.Count(r => r.Status == UploadResult.Skipped),
        results.Count(r => r.FromJournal),
        results.Where(r => r.Status != UploadResult.Skipped && !r.FromJournal).Sum(r => r.Length),
        Math.Round(elapsed.TotalSeconds, 3));

    public static void Write(UploadSummary summary, IReadOnlyList<UploadResult> results, string journal)
    {
        var counts = new Table().AddColumns("Accepted", "Duplicate", "Rejected", "Failed", "Skipped (not studies)", "From journal", "Sent", "Time");
        counts.AddRow(
            $"[green]{summary.Accepted}[/]", $"{summary.Duplicate}", $"[red]{summary.Rejected}[/]", $"[red]{summary.Failed}[/]",
            $"{summary.Skipped}", $"{summary.FromJournal}", Markup.Escape(UploadProgressDisplay.Size(summary.Bytes)), $"{summary.Seconds:0.0} s");
        AnsiConsole.Write(counts);

        var problems = results.Where(r => r.IsProblem).ToList();
        if (problems.Count > 0)
        {
            var table = new Table().AddColumns("File", "Status", "Reason", "Server's message");
            foreach (var problem in problems)
            {
                table.AddRow(Markup.Escape(problem.Path), problem.Status, Markup.Escape(problem.Reason ?? ""), Markup.Escape(problem.Message ?? ""));
            }

            AnsiConsole.Write(table);
        }

        AnsiConsole.MarkupLineInterpolated($"Journal: {journal}");
    }
}
