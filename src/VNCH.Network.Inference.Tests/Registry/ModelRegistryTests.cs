using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VNCH.Network.Inference.Manifests;
using VNCH.Network.Inference.Registry;
using VNCH.Network.Testing;

namespace VNCH.Network.Inference.Tests.Registry;

public class ModelRegistryTests
{
    [Fact]
    public void Load_CommittedModels_VerifiesAndOpensThem()
    {
        using var registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = CommittedModel.ModelsPath });

        Assert.Empty(registry.Refused);
        var model = Assert.Single(registry.Models);
        Assert.Equal(CommittedModel.Id, model.Id);
        Assert.Same(model, registry.Find(CommittedModel.Id));
        Assert.Null(registry.Find("no-such-model"));
    }

    [Fact]
    public void Load_TamperedOnnxFile_IsRefusedAndTheOthersStillLoad()
    {
        using var temp = new TempDirectory();
        CommittedModel.CopyTo(temp.Path, "a-good");
        var bad = CommittedModel.CopyTo(temp.Path, "b-tampered");
        // Same id twice would be refused for another reason; give the tampered copy its own id.
        RewriteManifest(bad, json => json.Replace($"\"id\": \"{CommittedModel.Id}\"", "\"id\": \"tampered\""));
        var onnx = File.ReadAllBytes(Path.Combine(bad, "model.onnx"));
        onnx[^10] ^= 0x01;
        File.WriteAllBytes(Path.Combine(bad, "model.onnx"), onnx);

        var log = new ListLogger();

        using var registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = temp.Path }, log);

        Assert.Equal(CommittedModel.Id, Assert.Single(registry.Models).Id);
        var refused = Assert.Single(registry.Refused);
        Assert.Equal("tampered", refused.ModelId);
        Assert.Contains("SHA-256 mismatch", refused.Reason);
        var error = Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("b-tampered", error.Message);
        Assert.Contains("SHA-256 mismatch", error.Message);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Information && e.Message.Contains(CommittedModel.Id));
    }

    [Fact]
    public void Load_InvalidManifestOrMissingFile_IsRefusedWithTheReason()
    {
        using var temp = new TempDirectory();
        var noOnnx = CommittedModel.CopyTo(temp.Path, "no-onnx");
        File.Delete(Path.Combine(noOnnx, "model.onnx"));
        var broken = Path.Combine(temp.Path, "broken");
        Directory.CreateDirectory(broken);
        File.WriteAllText(Path.Combine(broken, "model.json"), "{}");
        Directory.CreateDirectory(Path.Combine(temp.Path, "not-a-model"));

        using var registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = temp.Path });

        Assert.Empty(registry.Models);
        Assert.Equal(2, registry.Refused.Count);
        Assert.Contains(registry.Refused, r => r.Directory.EndsWith("no-onnx") && r.Reason.Contains("missing"));
        Assert.Contains(registry.Refused, r => r.Directory.EndsWith("broken") && r.Reason.Contains("manifest"));
    }

    [Fact]
    public void Load_GraphNotMatchingTheManifest_IsRefused()
    {
        using var temp = new TempDirectory();
        var folder = CommittedModel.CopyTo(temp.Path);
        RewriteManifest(folder, json => json.Replace("\"name\": \"pneumonia_probability\"", "\"name\": \"logits\""));

        using var registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = temp.Path });

        Assert.Empty(registry.Models);
        Assert.Contains("no output 'logits'", Assert.Single(registry.Refused).Reason);
    }

    [Fact]
    public void Load_DuplicateIds_SecondIsRefused()
    {
        using var temp = new TempDirectory();
        CommittedModel.CopyTo(temp.Path, "first");
        CommittedModel.CopyTo(temp.Path, "second");

        using var registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = temp.Path });

        Assert.Single(registry.Models);
        Assert.Contains("already loaded", Assert.Single(registry.Refused).Reason);
    }

    [Fact]
    public void Load_MissingFolder_StartsEmpty()
    {
        using var temp = new TempDirectory();

        using var registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = Path.Combine(temp.Path, "absent") });

        Assert.Empty(registry.Models);
        Assert.Empty(registry.Refused);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(100000, 1)]
    public void Load_InvalidThreadCounts_AreRejectedAtStart(int intra, int inter)
    {
        var options = new InferenceOptions { ModelsPath = CommittedModel.ModelsPath, IntraOpThreads = intra, InterOpThreads = inter };

        var ex = Assert.Throws<OptionsValidationException>(() => ModelRegistry.Load(options));

        Assert.Contains("Threads", ex.Message);
    }

    [Fact]
    public void ApplicableTo_SelectsByDicomAttributes()
    {
        using var registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = CommittedModel.ModelsPath });

        Assert.Single(registry.ApplicableTo(new ImagingAttributes("imaging", "DX", "CHEST", "PA", "1.2.840.10008.5.1.4.1.1.1.1")));
        Assert.Empty(registry.ApplicableTo(new ImagingAttributes("imaging", "CT", "CHEST", null, "1.2.840.10008.5.1.4.1.1.2")));
        Assert.Empty(registry.ApplicableTo(new ImagingAttributes("ecg", null, null, null, null)));
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    private static void RewriteManifest(string folder, Func<string, string> change)
    {
        var path = Path.Combine(folder, "model.json");
        var before = File.ReadAllText(path);
        var after = change(before);
        Assert.NotEqual(before, after);
        File.WriteAllText(path, after);
    }
}
