using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using VNCH.Network.Inference.Manifests;
using VNCH.Network.Inference.Preprocessing;

namespace VNCH.Network.Inference.Runtime;

/// <summary>
/// A verified model with its ONNX Runtime session. One instance per model, shared by all workers:
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is thread-safe, and this class keeps no per-call state.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession session;
    private readonly string[] inputNames;
    private readonly string[] outputNames;

    private OnnxModel(ModelManifest manifest, string directory, InferenceSession session)
    {
        Manifest = manifest;
        Directory = directory;
        this.session = session;
        Preprocessor = new ChestXrayPreprocessor(manifest.Input.Preprocessing);
        inputNames = [manifest.Input.Name];
        outputNames = [manifest.Output.Name];
    }

    public ModelManifest Manifest { get; }

    /// <summary>The model folder (holding model.json).</summary>
    public string Directory { get; }

    public ChestXrayPreprocessor Preprocessor { get; }

    public string Id => Manifest.Id;

    public string PositiveLabel => Manifest.Labels[1];

    /// <summary>Opens the ONNX file (already verified by the caller) and checks its signature against the manifest.</summary>
    public static OnnxModel Open(ModelManifest manifest, string directory, byte[] onnxBytes, int intraOpThreads, int interOpThreads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = interOpThreads,
            ExecutionMode = interOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };

        // Built from the bytes we hashed, so the file cannot change between verification and load.
        var session = new InferenceSession(onnxBytes, options);
        try
        {
            CheckSignature(manifest, session);
            return new OnnxModel(manifest, directory, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Scores a batch: <paramref name="inputs"/> holds <paramref name="batch"/> preprocessed tensors back to
    /// back; returns one positive-class probability per image.</summary>
    public float[] Score(ReadOnlySpan<float> inputs, int batch)
    {
        var perImage = Preprocessor.TensorLength;
        if (batch < 1 || inputs.Length != batch * perImage)
        {
            throw new ArgumentException($"Expected {batch} x {perImage} floats, got {inputs.Length}.", nameof(inputs));
        }

        var shape = new long[] { batch, 1, Manifest.Input.Preprocessing.Height, Manifest.Input.Preprocessing.Width };
        var buffer = inputs.ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(buffer, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, inputNames, [input], outputNames);
        var scores = outputs[0].GetTensorDataAsSpan<float>();
        if (scores.Length != batch)
        {
            throw new InvalidOperationException($"Model '{Id}' returned {scores.Length} scores for {batch} images.");
        }

        var result = scores.ToArray();
        foreach (var s in result)
        {
            if (!float.IsFinite(s) || s is < 0f or > 1f)
            {
                throw new InvalidOperationException($"Model '{Id}' returned {s}, which is not a probability.");
            }
        }

        return result;
    }

    /// <summary>Preprocesses and classifies one display-ready gray8 image.</summary>
    public ModelResult Classify(ReadOnlySpan<byte> gray8, int width, int height, string inputInstance, string? thresholdName = null)
    {
        var start = Stopwatch.GetTimestamp();
        var tensor = Preprocessor.Preprocess(gray8, width, height);
        var preprocessing = Stopwatch.GetElapsedTime(start);
        return Classify(tensor, inputInstance, thresholdName, preprocessing);
    }

    /// <summary>Classifies one already preprocessed tensor.</summary>
    public ModelResult Classify(ReadOnlySpan<float> tensor, string inputInstance, string? thresholdName = null, TimeSpan preprocessing = default)
    {
        var threshold = thresholdName is null
            ? Manifest.DefaultThreshold
            : Manifest.Thresholds.FirstOrDefault(t => t.Name == thresholdName)
              ?? throw new ArgumentException($"Model '{Id}' has no threshold named '{thresholdName}'.", nameof(thresholdName));
        var start = Stopwatch.GetTimestamp();
        var score = (double)Score(tensor, 1)[0];
        var inference = Stopwatch.GetElapsedTime(start);
        return new ModelResult(
            Manifest.Id,
            Manifest.Version,
            Manifest.Sha256,
            inputInstance,
            new Dictionary<string, double> { [Manifest.Labels[0]] = 1 - score, [PositiveLabel] = score },
            threshold.Name,
            threshold.Value,
            score >= threshold.Value ? PositiveLabel : Manifest.Labels[0],
            preprocessing,
            inference);
    }

    /// <summary>Runs once on a mid-gray input so that lazy allocations happen at start, not on the first study.</summary>
    public void WarmUp()
    {
        var tensor = new float[Preprocessor.TensorLength];
        Array.Fill(tensor, 0.5f);
        Score(tensor, 1);
    }

    public void Dispose() => session.Dispose();

    private static void CheckSignature(ModelManifest manifest, InferenceSession session)
    {
        if (!session.InputMetadata.TryGetValue(manifest.Input.Name, out var input))
        {
            throw new InvalidDataException(
                $"The ONNX graph has no input '{manifest.Input.Name}' (it has {string.Join(", ", session.InputMetadata.Keys)}).");
        }

        if (input.ElementType != typeof(float))
        {
            throw new InvalidDataException($"Input '{manifest.Input.Name}' is {input.ElementType.Name}, the manifest says float32.");
        }

        var dims = input.Dimensions;
        var expected = manifest.Input.Shape;
        // The batch dimension may be symbolic (-1); the others must match the manifest.
        if (dims.Length != expected.Count || Enumerable.Range(1, dims.Length - 1).Any(i => dims[i] != expected[i]))
        {
            throw new InvalidDataException(
                $"Input '{manifest.Input.Name}' has shape [{string.Join(", ", dims)}], the manifest says [{string.Join(", ", expected)}].");
        }

        if (!session.OutputMetadata.ContainsKey(manifest.Output.Name))
        {
            throw new InvalidDataException(
                $"The ONNX graph has no output '{manifest.Output.Name}' (it has {string.Join(", ", session.OutputMetadata.Keys)}).");
        }
    }
}
