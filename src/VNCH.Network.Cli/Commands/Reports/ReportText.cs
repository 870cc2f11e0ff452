using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace VNCH.Network.Cli.Commands.Reports;

/// <summary>How report answers read in a terminal: the snapshot line, counts, and suppressed cells shown as such.</summary>
public static class ReportText
{
    public static void WriteHeading(string title, string? description, JsonElement snapshot)
    {
        AnsiConsole.MarkupLineInterpolated($"[bold]{title}[/]{(description is null ? "" : $" — {description}")}");
        var revised = snapshot.TryGetProperty("revisedPeriods", out var periods) && periods.ValueKind == JsonValueKind.Array
            ? string.Join(", ", periods.EnumerateArray().Select(p => p.GetString()))
            : "";
        AnsiConsole.MarkupLineInterpolated(
            $"[grey]Snapshot {Text(snapshot, "id")} as of {Text(snapshot, "asOf")}; cells under {snapshot.GetProperty("threshold").GetInt32()} suppressed{(revised.Length > 0 ? $"; revised since the previous snapshot: {revised}" : "")}[/]");
    }

    /// <summary>A published count, or why there is none ("suppressed": 1 to threshold-1; "withheld": secondary suppression).</summary>
    public static IRenderable Count(JsonElement value, string status) =>
        value.ValueKind == JsonValueKind.Number ? new Text(value.GetInt32().ToString("N0", CultureInfo.InvariantCulture))
        : new Markup(status == "suppressed" ? "[yellow]suppressed[/]" : "[yellow]withheld[/]");

    public static IRenderable Status(string status) => status == "published" ? new Text(status) : new Markup($"[yellow]{Markup.Escape(status)}[/]");

    public static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.ToString(),
        } : null;
}
