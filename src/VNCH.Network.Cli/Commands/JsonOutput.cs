using System.Text.Encodings.Web;
using System.Text.Json;

namespace VNCH.Network.Cli.Commands;

/// <summary>How every --json document is written: camelCase, indented, non-ASCII (Vietnamese names) kept readable.</summary>
public static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Write(JsonElement document) => Console.Out.WriteLine(JsonSerializer.Serialize(document, Options));
}
