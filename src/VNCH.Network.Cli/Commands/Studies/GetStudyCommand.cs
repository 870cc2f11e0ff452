using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Remote;

namespace VNCH.Network.Cli.Commands.Studies;

/// <summary>`vnch study <id>`: status, patient, instances and analyses (GET /api/v1/studies/{id}).</summary>
public sealed class GetStudyCommand : AsyncCommand<StudyIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StudyIdSettings settings, CancellationToken cancellationToken)
    {
        using var http = new VnchHttp(settings);
        var study = await http.GetJsonAsync(settings.StudyPath, cancellationToken);
        if (settings.Json)
        {
            JsonOutput.Write(study);
            return 0;
        }

        var summary = study.GetProperty("summary");
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string value) => facts.AddRow(new Markup($"[bold]{name}[/]"), new Markup(value));
        Fact("Study", Markup.Escape(summary.GetProperty("id").GetString() ?? ""));
        Fact("Kind", Markup.Escape(StudyText.Optional(summary, "kind")));
        Fact("Status", StudyText.Status(summary.GetProperty("status").GetString()));
        Fact("Reason", Markup.Escape(StudyText.Reason(summary)));
        Fact("Modality", Markup.Escape(StudyText.Optional(summary, "modality")));
        Fact("Study UID", Markup.Escape(StudyText.Optional(summary, "studyInstanceUid")));
        Fact("Study date", Markup.Escape(StudyText.Optional(study, "studyDate")));
        if (study.TryGetProperty("patient", out var patient) && patient.ValueKind == JsonValueKind.Object)
        {
            Fact("Patient", Markup.Escape($"{StudyText.Optional(patient, "id")} ({StudyText.Optional(patient, "issuer")}), " +
                                          $"{StudyText.Optional(patient, "sex")}, {StudyText.Optional(patient, "ageInDays")} days"));
        }

        Fact("Created", Markup.Escape(StudyText.Time(summary, "createdAt")));
        AnsiConsole.Write(facts);

        var instances = new Table().Title("Instances").AddColumns("Instance UID", "Modality", "Content type", "Bytes", "SHA-256");
        foreach (var instance in study.GetProperty("instances").EnumerateArray())
        {
            instances.AddRow(
                Markup.Escape(StudyText.Optional(instance, "instanceUid")), Markup.Escape(StudyText.Optional(instance, "modality")),
                Markup.Escape(StudyText.Optional(instance, "contentType")), Markup.Escape(StudyText.Optional(instance, "length")),
                Markup.Escape(StudyText.Optional(instance, "sha256")[..Math.Min(16, StudyText.Optional(instance, "sha256").Length)]));
        }

        AnsiConsole.Write(instances);
        var analyses = new Table().Title("Analyses").AddColumns("Analyser", "Version", "Label", "Conclusion", "Scores");
        foreach (var analysis in study.GetProperty("analyses").EnumerateArray())
        {
            var analyser = analysis.GetProperty("analyser");
            var scores = analysis.TryGetProperty("scores", out var s) && s.ValueKind == JsonValueKind.Object
                ? string.Join(", ", s.EnumerateObject().Select(p => $"{p.Name}={(p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble().ToString("0.###", CultureInfo.InvariantCulture) : p.Value.ToString())}"))
                : "";
            analyses.AddRow(
                Markup.Escape(StudyText.Optional(analyser, "id")), Markup.Escape(StudyText.Optional(analyser, "version")),
                Markup.Escape(StudyText.Optional(analysis, "label")), Markup.Escape(StudyText.Optional(analysis, "conclusion")), Markup.Escape(scores));
        }

        AnsiConsole.Write(analyses);
        return 0;
    }
}
