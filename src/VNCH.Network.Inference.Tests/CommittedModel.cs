using VNCH.Network.Inference.Registry;
using VNCH.Network.Testing;

namespace VNCH.Network.Inference.Tests;

/// <summary>The committed pneumonia model (models/pediatric-cxr-pneumonia), loaded once for the test run.</summary>
public sealed class CommittedModel : IDisposable
{
    public const string Id = "pediatric-cxr-pneumonia";

    public CommittedModel()
    {
        Registry = ModelRegistry.Load(new InferenceOptions { ModelsPath = ModelsPath });
        var model = Registry.Find(Id);
        Assert.True(model is not null, $"The committed model did not load: {string.Join("; ", Registry.Refused.Select(r => r.Reason))}");
        Model = model;
    }

    public static string ModelsPath => Path.Combine(TestData.RepositoryRoot, "models");

    public static string Directory => Path.Combine(ModelsPath, Id);

    public ModelRegistry Registry { get; }

    public Runtime.OnnxModel Model { get; }

    /// <summary>Copies the committed model folder into <paramref name="modelsRoot"/>/<paramref name="folderName"/>.</summary>
    public static string CopyTo(string modelsRoot, string folderName = Id)
    {
        var target = Path.Combine(modelsRoot, folderName);
        System.IO.Directory.CreateDirectory(target);
        foreach (var file in new[] { "model.json", "model.onnx" })
        {
            File.Copy(Path.Combine(Directory, file), Path.Combine(target, file));
        }

        return target;
    }

    public void Dispose() => Registry.Dispose();
}
