using System.Text;
using System.Text.Json;
using Json.Schema;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Testing;
using Xunit.Abstractions;

namespace VNCH.Network.Signals.Tests.Audiometry;

/// <summary>The published schema (docs/audiogram.schema.json) and the reader must agree.</summary>
public sealed class AudiogramSchemaTests(ITestOutputHelper output)
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.schema.json"))));

    // Rules a JSON Schema cannot express (uniqueness by key, comparing two dates): only the reader enforces them.
    private static readonly string[] ReaderOnlyRules = ["appears more than once", "is after the test date"];

    private static bool SchemaAccepts(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;
    }

    [Fact]
    public void Example_document_is_valid_for_schema_and_reader_and_reads_as_documented()
    {
        var json = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"));
        Assert.True(SchemaAccepts(json));
        var analysis = AudiogramInterpreter.Interpret(AudiogramReader.Read(Encoding.UTF8.GetBytes(json)));
        foreach (var s in analysis.Statements)
        {
            output.WriteLine($"{s.Severity} {s.Code}: {s.Text}");
        }

        // docs/audiogram.md walks through this result.
        Assert.True(analysis.IsChild);
        Assert.Equal(32.5, analysis.Right!.Pta4DbHl);
        Assert.Equal(HearingLossType.Conductive, analysis.Right.Type);
        Assert.Equal(TympanogramType.B, analysis.Right.Tympanogram);
        Assert.Equal(7.5, analysis.Left!.Pta4DbHl);
        Assert.Equal(WhoHearingGrade.Normal, analysis.Grade);
        Assert.True(analysis.Asymmetric);
        Assert.False(analysis.Unilateral);
    }

    [Theory]
    [MemberData(nameof(AudiogramReaderTests.BadDocuments), MemberType = typeof(AudiogramReaderTests))]
    public void Schema_rejects_what_the_reader_rejects(string json, string readerMessage)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return; // not JSON: nothing for a schema to evaluate
        }

        var accepted = SchemaAccepts(json);
        if (ReaderOnlyRules.Any(r => readerMessage.Contains(r, StringComparison.Ordinal)))
        {
            Assert.True(accepted, "expected a rule beyond JSON Schema; if the schema now catches it, remove it from ReaderOnlyRules");
            return;
        }

        Assert.False(accepted, $"schema accepts a document the reader rejects with '{readerMessage}'");
    }
}
