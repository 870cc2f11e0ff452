using System.Diagnostics;
using VNCH.Network.Inference.Manifests;
using VNCH.Network.Inference.Runtime;

namespace VNCH.Network.Inference.Evaluation;

/// <summary>Metrics of one model over one labelled split, at every threshold in its manifest.</summary>
public sealed record EvaluationReport(
    string ModelId,
    string ModelVersion,
    string ModelSha256,
    string Split,
    int Cases,
    int Positives,
    MetricValue Auc,
    IReadOnlyList<ThresholdReport> Thresholds,
    TimeSpan Elapsed)
{
    /// <summary>The metrics in the manifest's shape (<c>metrics.&lt;split&gt;</c>), at the default threshold.</summary>
    public IReadOnlyDictionary<string, MetricValue> ToManifestMetrics(string thresholdName)
    {
        var t = Thresholds.First(x => x.Name == thresholdName);
        return new Dictionary<string, MetricValue>
        {
            ["cases"] = new() { Value = Cases },
            ["positives"] = new() { Value = Positives },
            ["auc"] = Auc,
            ["accuracy"] = t.Counts.Accuracy,
            ["sensitivity"] = t.Counts.Sensitivity,
            ["specificity"] = t.Counts.Specificity,
        };
    }
}

public sealed record ThresholdReport(string Name, double Value, ConfusionCounts Counts);

/// <summary>
/// Runs a model over a labelled image set through the production preprocessing (the same
/// <see cref="Preprocessing.ChestXrayPreprocessor"/> that serves DICOM pixels) and reports AUC, accuracy,
/// sensitivity and specificity with 95 % CIs. This is where the model card's numbers come from.
/// </summary>
public sealed class ModelEvaluator(OnnxModel model)
{
    private const int BatchSize = 64;

    /// <summary>Evaluates split <paramref name="split"/> of a MedMNIST-style .npz
    /// (<c>{split}_images</c>: uint8 [N, H, W]; <c>{split}_labels</c>: [N] or [N, 1], 1 = positive label).</summary>
    public EvaluationReport EvaluateNpz(string npzPath, string split)
    {
        if (!File.Exists(npzPath))
        {
            throw new FileNotFoundException($"Evaluation data '{npzPath}' does not exist.", npzPath);
        }

        var arrays = NpzReader.Read(npzPath, key => key == $"{split}_images" || key == $"{split}_labels");
        if (!arrays.TryGetValue($"{split}_images", out var images) || !arrays.TryGetValue($"{split}_labels", out var labels))
        {
            throw new InvalidDataException($"'{npzPath}' has no '{split}_images' and '{split}_labels' arrays.");
        }

        if (images.DType != "u1" || images.Shape.Count != 3)
        {
            throw new InvalidDataException($"{split}_images must be uint8 [N, H, W]; it is {images.DType} [{string.Join(", ", images.Shape)}].");
        }

        var values = labels.ToInt64();
        if (values.Length != images.Shape[0])
        {
            throw new InvalidDataException($"{split}: {images.Shape[0]} images but {values.Length} labels.");
        }

        if (values.Any(v => v is not (0 or 1)))
        {
            throw new InvalidDataException($"{split}: labels must be 0 or 1 for a binary model.");
        }

        return Evaluate(images.Data, (int)images.Shape[2], (int)images.Shape[1], values.Select(v => v == 1).ToArray(), split);
    }

    /// <summary>Evaluates gray8 images stored back to back (each width×height) with their labels.</summary>
    public EvaluationReport Evaluate(ReadOnlySpan<byte> images, int width, int height, IReadOnlyList<bool> positive, string split)
    {
        var start = Stopwatch.GetTimestamp();
        var scores = Score(images, width, height, positive.Count);
        var elapsed = Stopwatch.GetElapsedTime(start);
        var manifest = model.Manifest;
        var thresholds = manifest.Thresholds
            .Select(t => new ThresholdReport(t.Name, t.Value, BinaryMetrics.Confusion(scores, positive, t.Value)))
            .ToList();
        return new EvaluationReport(
            manifest.Id,
            manifest.Version,
            manifest.Sha256,
            split,
            positive.Count,
            positive.Count(p => p),
            BinaryMetrics.Auc(scores, positive),
            thresholds,
            elapsed);
    }

    /// <summary>The model's positive-class probability for each image, in order.</summary>
    public float[] Score(ReadOnlySpan<byte> images, int width, int height, int count)
    {
        var imageBytes = width * height;
        if (count < 1 || images.Length != (long)imageBytes * count)
        {
            throw new ArgumentException($"{count} images of {width}x{height} need {(long)imageBytes * count} bytes, got {images.Length}.");
        }

        var preprocessor = model.Preprocessor;
        var perImage = preprocessor.TensorLength;
        var scores = new float[count];
        var batch = new float[BatchSize * perImage];
        for (var first = 0; first < count; first += BatchSize)
        {
            var n = Math.Min(BatchSize, count - first);
            for (var k = 0; k < n; k++)
            {
                preprocessor.Preprocess(images.Slice((first + k) * imageBytes, imageBytes), width, height, batch.AsSpan(k * perImage, perImage));
            }

            model.Score(batch.AsSpan(0, n * perImage), n).CopyTo(scores, first);
        }

        return scores;
    }
}
