using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.Extensions.Logging.Abstractions;
using VNCH.Network.Inference.Manifests;
using VNCH.Network.Inference.Runtime;

namespace VNCH.Network.Inference.Registry;

/// <summary>A model folder that was not loaded, and why (shown in logs and health output).</summary>
public sealed record RefusedModel(string Directory, string? ModelId, string Reason);

/// <summary>
/// The models under <see cref="InferenceOptions.ModelsPath"/>, loaded once at start. A model whose manifest is
/// invalid, whose ONNX file does not match the manifest's SHA-256, or whose graph does not match the manifest is
/// refused with a clear log entry; the service starts with the others.
/// </summary>
public sealed class ModelRegistry : IDisposable
{
    private readonly Dictionary<string, OnnxModel> byId;

    private ModelRegistry(IReadOnlyList<OnnxModel> models, IReadOnlyList<RefusedModel> refused)
    {
        Models = models;
        Refused = refused;
        byId = models.ToDictionary(m => m.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<OnnxModel> Models { get; }

    public IReadOnlyList<RefusedModel> Refused { get; }

    public static ModelRegistry Load(InferenceOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        InferenceOptionsValidator.ThrowIfInvalid(options);
        logger ??= NullLogger.Instance;

        var models = new List<OnnxModel>();
        var refused = new List<RefusedModel>();
        var root = Path.GetFullPath(options.ModelsPath);
        if (!System.IO.Directory.Exists(root))
        {
            logger.LogWarning("Models folder {ModelsPath} does not exist; no models are loaded.", root);
            return new ModelRegistry(models, refused);
        }

        foreach (var directory in System.IO.Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(directory, ModelManifestReader.FileName)))
            {
                continue;
            }

            try
            {
                var model = LoadOne(directory, options, models);
                models.Add(model);
                logger.LogInformation(
                    "Loaded model {ModelId} {ModelVersion} (sha256 {Sha256}) from {Directory}.",
                    model.Id, model.Manifest.Version, model.Manifest.Sha256, directory);
            }
            catch (Exception ex) when (ex is ModelRefusedException or ModelManifestException or IOException
                                           or UnauthorizedAccessException or OnnxRuntimeException or InvalidDataException)
            {
                var id = (ex as ModelRefusedException)?.ModelId;
                refused.Add(new RefusedModel(directory, id, ex.Message));
                logger.LogError("Model in {Directory} refused: {Reason}", directory, ex.Message);
            }
        }

        return new ModelRegistry(models, refused);
    }

    public OnnxModel? Find(string id) => byId.GetValueOrDefault(id);

    /// <summary>The loaded models whose applicability matches the instance, in id order.</summary>
    public IReadOnlyList<OnnxModel> ApplicableTo(ImagingAttributes attributes) =>
        Models.Where(m => m.Manifest.Applicability.Matches(attributes)).ToList();

    public void Dispose()
    {
        foreach (var model in Models)
        {
            model.Dispose();
        }
    }

    /// <summary>Reads, verifies and opens one model folder; throws on any problem.</summary>
    public static OnnxModel LoadOne(string directory, InferenceOptions options, IReadOnlyCollection<OnnxModel>? alreadyLoaded = null)
    {
        var manifest = ModelManifestReader.Read(Path.Combine(directory, ModelManifestReader.FileName));
        if (alreadyLoaded?.Any(m => m.Id == manifest.Id) == true)
        {
            throw new ModelRefusedException(manifest.Id, $"model id '{manifest.Id}' is already loaded from another folder");
        }

        var onnxPath = Path.Combine(directory, manifest.File);
        if (!File.Exists(onnxPath))
        {
            throw new ModelRefusedException(manifest.Id, $"the ONNX file '{manifest.File}' named by the manifest is missing");
        }

        var length = new FileInfo(onnxPath).Length;
        if (length > options.MaxModelBytes)
        {
            throw new ModelRefusedException(manifest.Id, $"'{manifest.File}' is {length} bytes, above the {options.MaxModelBytes}-byte limit");
        }

        var bytes = File.ReadAllBytes(onnxPath);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (!string.Equals(actual, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelRefusedException(
                manifest.Id,
                $"SHA-256 mismatch for '{manifest.File}': the manifest says {manifest.Sha256.ToLowerInvariant()}, the file is {actual}. " +
                "The file was changed or replaced; it will not be run.");
        }

        OnnxModel model;
        try
        {
            model = OnnxModel.Open(manifest, directory, bytes, options.IntraOpThreads, options.InterOpThreads);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelRefusedException(manifest.Id, $"ONNX Runtime cannot load '{manifest.File}': {ex.Message}");
        }
        catch (InvalidDataException ex)
        {
            throw new ModelRefusedException(manifest.Id, $"the ONNX graph does not match the manifest: {ex.Message}");
        }

        if (options.WarmUp)
        {
            try
            {
                model.WarmUp();
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or InvalidOperationException)
            {
                model.Dispose();
                throw new ModelRefusedException(manifest.Id, $"warm-up failed: {ex.Message}");
            }
        }

        return model;
    }
}

public sealed class ModelRefusedException(string modelId, string reason) : Exception($"Model '{modelId}': {reason}")
{
    public string ModelId { get; } = modelId;
}
