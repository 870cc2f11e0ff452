using System.Text.Json;

namespace VNCH.Network.Cli.Commands.Studies;

/// <summary>How study fields read in tables (markup-safe where it says so).</summary>
public static class StudyText
{
    public static readonly string[] FinalStatuses = ["completed", "no-analyser", "rejected", "failed"];

    public static string Status(string? status) => status switch
    {
        "completed" or "no-analyser" => $"[green]{status}[/]",
        "rejected" or "failed" => $"[red]{status}[/]",
        _ => $"[yellow]{status}[/]",
    };

    public static string Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "";

    public static string Time(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out var time)
            ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)
            : "";

    public static string Reason(JsonElement study) =>
        study.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.Object
            ? $"{Optional(reason, "code")}: {Optional(reason, "message")}"
            : "";
}
