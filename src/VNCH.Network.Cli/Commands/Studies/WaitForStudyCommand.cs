using System.ComponentModel;
using System.Diagnostics;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Remote;

namespace VNCH.Network.Cli.Commands.Studies;

/// <summary>
/// `vnch wait <id>`: polls the study until its status is final. Exit code 0 for completed or no-analyser, 1 for
/// rejected or failed, 3 when --timeout passes first.
/// </summary>
public sealed class WaitForStudyCommand : AsyncCommand<WaitForStudyCommand.Settings>
{
    public const int TimedOut = 3;

    public sealed class Settings : StudyIdSettings
    {
        [CommandOption("--timeout <DURATION>")]
        [Description("Give up after this long (hh:mm:ss, default 00:05:00).")]
        public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);

        [CommandOption("--interval <DURATION>")]
        [Description("Time between polls (hh:mm:ss, default 00:00:01).")]
        public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

        public override ValidationResult Validate() =>
            Timeout <= TimeSpan.Zero || Interval <= TimeSpan.Zero ? ValidationResult.Error("--timeout and --interval must be positive.") : base.Validate();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var http = new VnchHttp(settings);
        var clock = Stopwatch.StartNew();
        string? last = null;
        while (true)
        {
            var summary = (await http.GetJsonAsync(settings.StudyPath, cancellationToken)).GetProperty("summary");
            var status = summary.GetProperty("status").GetString();
            if (status != last && !settings.Json)
            {
                AnsiConsole.MarkupLine($"{Markup.Escape(settings.StudyId)}: {StudyText.Status(status)} {Markup.Escape(StudyText.Reason(summary))}");
            }

            last = status;
            if (StudyText.FinalStatuses.Contains(status))
            {
                if (settings.Json)
                {
                    JsonOutput.Write(summary);
                }

                return status is "completed" or "no-analyser" ? 0 : 1;
            }

            if (clock.Elapsed >= settings.Timeout)
            {
                if (settings.Json)
                {
                    JsonOutput.Write(summary);
                }

                await Console.Error.WriteLineAsync($"error: study {settings.StudyId} is still '{status}' after {settings.Timeout}.");
                return TimedOut;
            }

            await Task.Delay(settings.Interval, cancellationToken);
        }
    }
}
