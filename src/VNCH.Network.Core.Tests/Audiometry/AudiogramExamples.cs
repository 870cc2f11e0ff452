using System.Text.Json;
using System.Text.Json.Nodes;
using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Audiometry;

/// <summary>The shipped audiogram examples: the JSON document and the FHIR Bundle generated from it.</summary>
public static class AudiogramExamples
{
    public static string JsonPath { get; } = Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json");

    public static string BundlePath { get; } = Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.fhir.json");

    public static AudiogramDocument Document()
    {
        using var stream = File.OpenRead(JsonPath);
        return AudiogramReader.Read(stream);
    }

    /// <summary>The example Bundle as the writer makes it, indented the way docs/ holds it.</summary>
    public static string GeneratedBundleJson()
    {
        var options = new JsonSerializerOptions(FhirJson.Options) { WriteIndented = true };
        var bundle = FhirAudiogramWriter.ToBundle(Document());
        return JsonSerializer.Serialize(bundle, options).ReplaceLineEndings("\n") + "\n";
    }

    /// <summary>The example Bundle with one change applied to its JSON, for the rejection cases.</summary>
    public static string BundleWith(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(GeneratedBundleJson())!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    public static JsonObject Entry(JsonObject bundle, string resourceId) =>
        bundle["entry"]!.AsArray().Select(e => e!["resource"]!.AsObject()).Single(r => (string?)r["id"] == resourceId);

    public static void RemoveEntries(JsonObject bundle, Func<JsonObject, bool> which)
    {
        var entries = bundle["entry"]!.AsArray();
        foreach (var entry in entries.Where(e => which(e!["resource"]!.AsObject())).ToList())
        {
            entries.Remove(entry);
        }
    }
}
