using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console.Cli;
using VNCH.Network.Inference.Evaluation;
using VNCH.Network.Inference.Manifests;
using VNCH.Network.Inference.Registry;

namespace VNCH.Network.Cli.Commands.Models;

/// <summary>
/// <c>vnch model evaluate --model models/pediatric-cxr-pneumonia --data pneumoniamnist_28.npz [--split test]</c>:
/// runs a model folder over a labelled MedMNIST-style split through the production preprocessing and prints AUC,
/// accuracy, sensitivity and specificity with 95 % CIs at each manifest threshold.
/// </summary>
public sealed class ModelEvaluateCommand : AsyncCommand<ModelEvaluateCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--model <DIR>")]
        [Description("Model folder holding model.json and the ONNX file.")]
        public string Model { get; init; } = "";

        [CommandOption("--data <NPZ>")]
        [Description("Labelled data set (.npz with <split>_images uint8 [N,H,W] and <split>_labels).")]
        public string Data { get; init; } = "";

        [CommandOption("--split <NAME>")]
        [Description("Split to evaluate (default: test).")]
        public string Split { get; init; } = "test";

        [CommandOption("--threads <N>")]
        [Description("ONNX Runtime intra-op threads (default 1).")]
        public int Threads { get; init; } = 1;

        [CommandOption("--update-manifest")]
        [Description("Write the measured metrics into model.json under metrics.<split> (what the model card quotes).")]
        public bool UpdateManifest { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if (string.IsNullOrWhiteSpace(Model) || !Directory.Exists(Model))
            {
                return Spectre.Console.ValidationResult.Error($"--model: folder '{Model}' does not exist.");
            }

            if (string.IsNullOrWhiteSpace(Data) || !File.Exists(Data))
            {
                return Spectre.Console.ValidationResult.Error($"--data: file '{Data}' does not exist.");
            }

            return Threads < 1
                ? Spectre.Console.ValidationResult.Error("--threads must be at least 1.")
                : Spectre.Console.ValidationResult.Success();
        }
    }

    public override Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var model = ModelRegistry.LoadOne(settings.Model, new InferenceOptions { IntraOpThreads = settings.Threads });
        var report = new ModelEvaluator(model).EvaluateNpz(settings.Data, settings.Split);

        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"model {report.ModelId} {report.ModelVersion} sha256 {report.ModelSha256}"));
        Console.WriteLine(string.Create(inv, $"split {report.Split}: {report.Cases} cases, {report.Positives} {model.PositiveLabel}, {report.Elapsed.TotalMilliseconds / report.Cases:F3} ms/image incl. preprocessing"));
        Console.WriteLine($"AUC          {Format(report.Auc)}");
        foreach (var t in report.Thresholds)
        {
            var c = t.Counts;
            Console.WriteLine(string.Create(inv, $"threshold '{t.Name}' = {t.Value:G6}: TP {c.TruePositives} FP {c.FalsePositives} TN {c.TrueNegatives} FN {c.FalseNegatives}"));
            Console.WriteLine($"  accuracy    {Format(c.Accuracy)}");
            Console.WriteLine($"  sensitivity {Format(c.Sensitivity)}");
            Console.WriteLine($"  specificity {Format(c.Specificity)}");
        }

        Console.WriteLine($"95 % CIs: AUC {BinaryMetrics.DeLongMethod}; proportions {BinaryMetrics.WilsonMethod}.");

        if (settings.UpdateManifest)
        {
            WriteMetrics(Path.Combine(settings.Model, ModelManifestReader.FileName), report, model.Manifest.DefaultThreshold.Name);
            Console.WriteLine($"metrics.{report.Split} written to {ModelManifestReader.FileName}");
        }

        return Task.FromResult(0);
    }

    private static string Format(MetricValue m) =>
        string.Create(CultureInfo.InvariantCulture, $"{m.Value:F4}  (95 % CI {m.Lower:F4}–{m.Upper:F4})");

    // Edits only metrics.<split>, leaving the rest of the hand-reviewed manifest as it is.
    private static void WriteMetrics(string manifestPath, EvaluationReport report, string thresholdName)
    {
        var root = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        var metrics = root["metrics"] as JsonObject ?? [];
        root["metrics"] = metrics;
        var values = report.ToManifestMetrics(thresholdName).ToDictionary(
            kv => kv.Key,
            kv => new MetricValue
            {
                Value = Math.Round(kv.Value.Value, 6),
                Lower = kv.Value.Lower is { } l ? Math.Round(l, 6) : null,
                Upper = kv.Value.Upper is { } u ? Math.Round(u, 6) : null,
                Method = kv.Value.Method,
            });
        metrics[report.Split] = JsonSerializer.SerializeToNode(values, ModelManifestReader.JsonOptions);
        metrics[report.Split]!.AsObject()["threshold"] = JsonSerializer.SerializeToNode(
            new MetricValue { Value = report.Thresholds.First(t => t.Name == thresholdName).Value, Method = $"manifest threshold '{thresholdName}'" },
            ModelManifestReader.JsonOptions);
        File.WriteAllText(manifestPath, root.ToJsonString(ModelManifestReader.JsonOptions) + "\n");
    }
}
