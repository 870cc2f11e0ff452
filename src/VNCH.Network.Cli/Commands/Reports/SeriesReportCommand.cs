using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace VNCH.Network.Cli.Commands.Reports;

/// <summary>`vnch report series`: an indicator's rate per period and province (GET /api/v1/reports/series).</summary>
public sealed class SeriesReportCommand : AsyncCommand<SeriesReportCommand.Settings>
{
    public sealed class Settings : ReportSettings
    {
        [CommandOption("--indicator <INDICATOR>")]
        [Description("e.g. pediatric-cxr-pneumonia/result, ecg-intervals/rate-flag, audiometry/result.")]
        public string Indicator { get; init; } = "";

        [CommandOption("--category <CATEGORY>")]
        [Description("The numerator's category, e.g. pneumonia.")]
        public string Category { get; init; } = "";

        public override ValidationResult Validate() =>
            string.IsNullOrWhiteSpace(Indicator) || string.IsNullOrWhiteSpace(Category)
                ? ValidationResult.Error("--indicator and --category are required (e.g. --indicator pediatric-cxr-pneumonia/result --category pneumonia).")
                : base.Validate();

        public string PathAndQuery => Query("api/v1/reports/series", [("indicator", Indicator), ("category", Category), .. PeriodParameters]);
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken) =>
        ReportOutput.RunAsync(settings, settings.PathAndQuery, Write, cancellationToken);

    private static void Write(JsonElement report)
    {
        var minimum = report.GetProperty("rateMinimumDenominator").GetInt32();
        ReportText.WriteHeading($"{report.GetProperty("indicator").GetString()} = {report.GetProperty("category").GetString()} by {report.GetProperty("grain").GetString()}",
            $"rate = numerator / denominator, given only when both are published and the denominator is at least {minimum}", report.GetProperty("snapshot"));
        var grid = new Table().AddColumns("Period", "Province", "Hospital")
            .AddColumn(new TableColumn("Numerator").RightAligned()).AddColumn(new TableColumn("Denominator").RightAligned()).AddColumn(new TableColumn("Rate").RightAligned());
        var points = report.GetProperty("points").EnumerateArray().ToList();
        foreach (var point in points)
        {
            var numerator = point.GetProperty("numerator");
            var denominator = point.GetProperty("denominator");
            var rate = point.GetProperty("rate");
            grid.AddRow(
                new Text(ReportText.Text(point, "period") ?? ""), new Text(ReportText.Text(point, "province") ?? ""), new Text(ReportText.Text(point, "hospital") ?? ""),
                ReportText.Count(numerator.GetProperty("studies"), ReportText.Text(numerator, "status") ?? ""),
                ReportText.Count(denominator.GetProperty("studies"), ReportText.Text(denominator, "status") ?? ""),
                rate.ValueKind == JsonValueKind.Number ? new Text(rate.GetDouble().ToString("0.0 %", CultureInfo.InvariantCulture)) : new Markup("[grey]–[/]"));
        }

        AnsiConsole.Write(grid);
        AnsiConsole.MarkupLineInterpolated($"[grey]{points.Count} point(s).[/]");
    }
}
