using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Remote;
using VNCH.Network.Core.Features.Reporting.Exports;

namespace VNCH.Network.Cli.Commands.Reports;

/// <summary>Options every `vnch report` command shares: the period question and the output format.</summary>
public class ReportSettings : ServerSettings
{
    [CommandOption("--grain <GRAIN>")]
    [Description("week, month (server default), quarter or year.")]
    public string? Grain { get; init; }

    [CommandOption("--from <DATE>")]
    [Description("First day (yyyy-MM-dd).")]
    public string? From { get; init; }

    [CommandOption("--to <DATE>")]
    [Description("Last day (yyyy-MM-dd).")]
    public string? To { get; init; }

    [CommandOption("--csv")]
    [Description("The server's CSV (Accept: text/csv) on stdout, as is.")]
    public bool Csv { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("table (default), json, csv, or another representation the API serves, passed through as the Accept header: " +
                 "fhir (application/fhir+json), adx (application/adx+xml), dhis2 (application/vnd.dhis2.datavaluesets+json) or any media type.")]
    public string? Format { get; init; }

    /// <summary>The representation asked for: null for the table (which reads the JSON), else a media type.</summary>
    public string? MediaType => (Format ?? (Csv ? "csv" : Json ? "json" : "table")) switch
    {
        "table" => null,
        var alias when ReportFormats.Aliases.TryGetValue(alias, out var mediaType) => mediaType,
        var mediaType => mediaType,
    };

    public override ValidationResult Validate()
    {
        var chosen = new[] { Csv, Json, Format is not null }.Count(c => c);
        return chosen > 1 ? ValidationResult.Error("Choose one of --csv, --json and --format.")
            : Format is { } format && format != "table" && !ReportFormats.Aliases.ContainsKey(format) && !format.Contains('/', StringComparison.Ordinal)
                ? ValidationResult.Error($"--format must be table, {string.Join(", ", ReportFormats.Aliases.Keys)} or a media type (type/subtype).")
                : base.Validate();
    }

    /// <summary>The query string: only the parameters given, escaped.</summary>
    protected static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => !string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? path : $"{path}?{string.Join('&', given)}";
    }

    public (string Name, string? Value)[] PeriodParameters => [("grain", Grain), ("from", From), ("to", To)];
}
