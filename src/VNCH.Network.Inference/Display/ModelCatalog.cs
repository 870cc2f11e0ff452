using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Inference.Manifests;
using VNCH.Network.Inference.Registry;

namespace VNCH.Network.Inference.Display;

/// <param name="Manifest">The model's manifest (ONNX models only; clinical algorithms have none).</param>
/// <param name="Card">MODEL_CARD.md of the model folder, as Markdown; null when the folder has none.</param>
public sealed record ModelEntry(AnalyserDescriptor Descriptor, ModelManifest? Manifest, string? Card);

/// <summary>
/// Every analyser this service runs, as the portal shows it beside a finding: id, version and SHA-256 (what the FHIR
/// Device records), and for an ONNX model its manifest (thresholds with the rule that chose them, applicability,
/// intended use, training data, metrics) and its model card, from the verified registry (ADR 0040).
/// </summary>
public sealed class ModelCatalog(IAnalyserRegistry analysers, ModelRegistry models)
{
    public const string CardFileName = "MODEL_CARD.md";

    public IReadOnlyList<ModelEntry> List() =>
        analysers.All.Select(a => a.Descriptor).OrderBy(d => d.Id, StringComparer.Ordinal).Select(Entry).ToList();

    public ModelEntry? Find(string id) =>
        analysers.All.Select(a => a.Descriptor).FirstOrDefault(d => d.Id == id) is { } descriptor ? Entry(descriptor) : null;

    private ModelEntry Entry(AnalyserDescriptor descriptor)
    {
        var model = models.Find(descriptor.Id);
        var cardPath = model is null ? null : Path.Combine(model.Directory, CardFileName);
        return new ModelEntry(descriptor, model?.Manifest, cardPath is not null && File.Exists(cardPath) ? File.ReadAllText(cardPath) : null);
    }
}
