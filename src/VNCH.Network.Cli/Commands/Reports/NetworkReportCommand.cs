using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace VNCH.Network.Cli.Commands.Reports;

/// <summary>`vnch report network`: cells of one published table (GET /api/v1/reports/network).</summary>
public sealed class NetworkReportCommand : AsyncCommand<NetworkReportCommand.Settings>
{
    private static readonly string[] Dimensions = ["province", "hospital", "kind", "modality", "outcome", "ageBand", "sex", "category"];

    public sealed class Settings : ReportSettings
    {
        [CommandOption("--table <TABLE>")]
        [Description("activity (server default), modalities, demography or findings:<indicator>.")]
        public string? Table { get; init; }

        [CommandOption("--finding <INDICATOR>")]
        [Description("Shorthand for --table findings:<indicator>, e.g. pediatric-cxr-pneumonia/result.")]
        public string? Finding { get; init; }

        [CommandOption("--group-by <DIMENSIONS>")]
        [Description("Comma-separated dimensions broken down (province or hospital for geography; the others are totals).")]
        public string? GroupBy { get; init; }

        [CommandOption("--hospital <TENANT-ID>")]
        public string? Hospital { get; init; }

        [CommandOption("--province <NAME>")]
        public string? Province { get; init; }

        [CommandOption("--kind <KIND>")]
        [Description("imaging, ecg, audiogram or unknown.")]
        public string? Kind { get; init; }

        [CommandOption("--modality <MODALITY>")]
        public string? Modality { get; init; }

        [CommandOption("--outcome <OUTCOME>")]
        [Description("completed, rejected, failed or no-analyser.")]
        public string? Outcome { get; init; }

        [CommandOption("--age-band <BAND>")]
        [Description("0-27d, 28d-23m, 2-11y, 12-15y, 16-17y, 18y+ or unknown.")]
        public string? AgeBand { get; init; }

        [CommandOption("--sex <SEX>")]
        public string? Sex { get; init; }

        [CommandOption("--category <CATEGORY>")]
        public string? Category { get; init; }

        public override ValidationResult Validate() =>
            Table is not null && Finding is not null ? ValidationResult.Error("Give --table or --finding, not both.") : base.Validate();

        public string PathAndQuery => Query("api/v1/reports/network",
        [
            ("table", Table), ("finding", Finding), .. PeriodParameters, ("groupBy", GroupBy), ("hospital", Hospital), ("province", Province),
            ("kind", Kind), ("modality", Modality), ("outcome", Outcome), ("ageBand", AgeBand), ("sex", Sex), ("category", Category),
        ]);
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ReportOutput.RunAsync(settings, settings.PathAndQuery, Write, cancellationToken);

    private static void Write(JsonElement report)
    {
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        var table = report.GetProperty("table");
        ReportText.WriteHeading($"{table.GetProperty("name").GetString()} by {report.GetProperty("grain").GetString()}", table.GetProperty("description").GetString(), report.GetProperty("snapshot"));

        // Only the dimensions this answer breaks down; '*' (every value) columns that never vary are left out.
        var shown = Dimensions.Where(d => rows.Any(r => ReportText.Text(r, d) is { Length: > 0 } v && v != "*")).ToList();
        var grid = new Table().AddColumn("Period").AddColumn("Date source");
        foreach (var dimension in shown)
        {
            grid.AddColumn(dimension);
        }

        grid.AddColumn(new TableColumn("Studies").RightAligned()).AddColumn(new TableColumn("Children").RightAligned()).AddColumn("Status");
        foreach (var row in rows)
        {
            var status = ReportText.Text(row, "status") ?? "";
            grid.AddRow(
            [
                new Text(ReportText.Text(row, "period") ?? ""), new Text(ReportText.Text(row, "dateSource") ?? ""),
                .. shown.Select(d => new Text(ReportText.Text(row, d) ?? "")),
                ReportText.Count(row.GetProperty("studies"), status), ReportText.Count(row.GetProperty("children"), status), ReportText.Status(status),
            ]);
        }

        AnsiConsole.Write(grid);
        AnsiConsole.MarkupLineInterpolated($"[grey]{rows.Count} row(s). {report.GetProperty("snapshot").GetProperty("note").GetString()}[/]");
    }
}
