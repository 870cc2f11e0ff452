using System.ComponentModel;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Remote;

namespace VNCH.Network.Cli.Commands.Studies;

/// <summary>`vnch studies`: the caller's studies, newest first (GET /api/v1/studies), one page or --all.</summary>
public sealed class ListStudiesCommand : AsyncCommand<ListStudiesCommand.Settings>
{
    public sealed class Settings : ServerSettings
    {
        [CommandOption("--status <STATUS>")]
        [Description("received, queued, analysing, completed, rejected, failed or no-analyser.")]
        public string? Status { get; init; }

        [CommandOption("--kind <KIND>")]
        [Description("imaging, ecg, audiogram or unknown.")]
        public string? Kind { get; init; }

        [CommandOption("--modality <MODALITY>")]
        [Description("DICOM modality, e.g. CR, US, ECG.")]
        public string? Modality { get; init; }

        [CommandOption("--since <DATETIME>")]
        [Description("Only studies created at or after this ISO 8601 date-time.")]
        public string? Since { get; init; }

        [CommandOption("--page-size <N>")]
        [Description("Studies per page (server default when omitted).")]
        public int? PageSize { get; init; }

        [CommandOption("--continuation <TOKEN>")]
        [Description("Continue after a previous page (its continuationToken).")]
        public string? Continuation { get; init; }

        [CommandOption("--all")]
        [Description("Follow continuation tokens to the last page.")]
        public bool All { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var http = new VnchHttp(settings);
        var items = new List<JsonElement>();
        var continuation = settings.Continuation;
        do
        {
            var page = await http.GetJsonAsync(Query(settings, continuation), cancellationToken);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            continuation = page.TryGetProperty("continuationToken", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (settings.All && continuation is not null);

        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new { items, continuationToken = continuation }, JsonOutput.Options));
            return 0;
        }

        var table = new Table().AddColumns("Id", "Kind", "Status", "Modality", "Instances", "Created (UTC)", "Reason");
        foreach (var study in items)
        {
            table.AddRow(
                Markup.Escape(study.GetProperty("id").GetString() ?? ""),
                Markup.Escape(study.GetProperty("kind").GetString() ?? ""),
                StudyText.Status(study.GetProperty("status").GetString()),
                Markup.Escape(StudyText.Optional(study, "modality")),
                study.GetProperty("instanceCount").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(StudyText.Time(study, "createdAt")),
                Markup.Escape(StudyText.Reason(study)));
        }

        AnsiConsole.Write(table);
        if (continuation is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"More: --continuation {continuation} (or --all)");
        }

        return 0;
    }

    private static string Query(Settings settings, string? continuation)
    {
        var parameters = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parameters.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Add("status", settings.Status);
        Add("kind", settings.Kind);
        Add("modality", settings.Modality);
        Add("since", settings.Since);
        Add("pageSize", settings.PageSize?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("continuationToken", continuation);
        return "api/v1/studies" + (parameters.Count == 0 ? "" : "?" + string.Join('&', parameters));
    }
}
