using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Remote;

namespace VNCH.Network.Cli.Commands.Studies;

/// <summary>`vnch fhir <id>`: the study's FHIR R4 Bundle (GET /api/v1/studies/{id}/fhir): a resource table, or the Bundle with --json.</summary>
public sealed class GetStudyFhirCommand : AsyncCommand<StudyIdSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, StudyIdSettings settings, CancellationToken cancellationToken)
    {
        using var http = new VnchHttp(settings);
        var bundle = await http.GetJsonAsync(settings.StudyPath + "/fhir", cancellationToken);
        if (settings.Json)
        {
            JsonOutput.Write(bundle);
            return 0;
        }

        var table = new Table().AddColumns("Resource", "Id", "Status", "Code / text");
        foreach (var entry in bundle.TryGetProperty("entry", out var entries) ? entries.EnumerateArray() : Enumerable.Empty<JsonElement>())
        {
            var resource = entry.GetProperty("resource");
            table.AddRow(
                Markup.Escape(StudyText.Optional(resource, "resourceType")), Markup.Escape(StudyText.Optional(resource, "id")),
                Markup.Escape(StudyText.Optional(resource, "status")), Markup.Escape(Describe(resource)));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static string Describe(JsonElement resource)
    {
        if (resource.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Object)
        {
            if (code.TryGetProperty("text", out var text))
            {
                return text.GetString() ?? "";
            }

            if (code.TryGetProperty("coding", out var coding) && coding.GetArrayLength() > 0)
            {
                var first = coding[0];
                return StudyText.Optional(first, "display") is { Length: > 0 } display ? display : StudyText.Optional(first, "code");
            }
        }

        return StudyText.Optional(resource, "conclusion");
    }
}
