using Microsoft.Extensions.Options;

namespace VNCH.Network.Inference.Registry;

/// <summary>Configuration of the model registry (section "Inference"). Validated at start.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>The folder holding one sub-folder per model (each with model.json and the ONNX file).</summary>
    public string ModelsPath { get; set; } = "models";

    /// <summary>Threads ONNX Runtime uses inside one inference call. 1 keeps latency predictable when several
    /// workers run models in parallel.</summary>
    public int IntraOpThreads { get; set; } = 1;

    /// <summary>Threads for running independent graph nodes in parallel (1 = sequential execution).</summary>
    public int InterOpThreads { get; set; } = 1;

    /// <summary>Run each model once on a blank input at load, so the first study does not pay for lazy setup.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>Models larger than this are refused (a guard against a wrong file in the folder).</summary>
    public long MaxModelBytes { get; set; } = 512L * 1024 * 1024;
}

public sealed class InferenceOptionsValidator : IValidateOptions<InferenceOptions>
{
    public ValidateOptionsResult Validate(string? name, InferenceOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelsPath))
        {
            errors.Add("Inference:ModelsPath is required.");
        }

        var cores = Environment.ProcessorCount;
        if (options.IntraOpThreads < 1 || options.IntraOpThreads > Math.Max(cores, 1) * 4)
        {
            errors.Add($"Inference:IntraOpThreads must be between 1 and {Math.Max(cores, 1) * 4}, got {options.IntraOpThreads}.");
        }

        if (options.InterOpThreads < 1 || options.InterOpThreads > Math.Max(cores, 1) * 4)
        {
            errors.Add($"Inference:InterOpThreads must be between 1 and {Math.Max(cores, 1) * 4}, got {options.InterOpThreads}.");
        }

        if (options.MaxModelBytes < 1)
        {
            errors.Add("Inference:MaxModelBytes must be positive.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>For callers without the options pipeline (CLI, tests): throws with every problem listed.</summary>
    public static void ThrowIfInvalid(InferenceOptions options)
    {
        var result = new InferenceOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(nameof(InferenceOptions), typeof(InferenceOptions), result.Failures);
        }
    }
}
