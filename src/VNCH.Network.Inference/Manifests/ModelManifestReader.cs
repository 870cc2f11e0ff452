using System.Text.Json;
using System.Text.Json.Serialization;

namespace VNCH.Network.Inference.Manifests;

/// <summary>Reads and validates <c>model.json</c>. Every problem is reported with the field it concerns.</summary>
public static class ModelManifestReader
{
    public const string FileName = "model.json";

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static ModelManifest Read(string path)
    {
        ModelManifest? manifest;
        try
        {
            using var stream = System.IO.File.OpenRead(path);
            manifest = JsonSerializer.Deserialize<ModelManifest>(stream, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new ModelManifestException($"{path}: not a valid model manifest: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new ModelManifestException($"{path}: the manifest is empty (null).");
        }

        var errors = Validate(manifest);
        if (errors.Count > 0)
        {
            throw new ModelManifestException($"{path}: invalid model manifest: {string.Join("; ", errors)}");
        }

        return manifest;
    }

    public static IReadOnlyList<string> Validate(ModelManifest manifest)
    {
        var errors = new List<string>();
        if (manifest.SchemaVersion != 1)
        {
            errors.Add($"schemaVersion {manifest.SchemaVersion} is not supported (expected 1)");
        }

        if (string.IsNullOrWhiteSpace(manifest.Id) || manifest.Id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            errors.Add($"id '{manifest.Id}' must be non-empty and use only letters, digits, '-', '_' and '.'");
        }

        if (string.IsNullOrWhiteSpace(manifest.Version))
        {
            errors.Add("version is empty");
        }

        if (string.IsNullOrWhiteSpace(manifest.File) || Path.GetFileName(manifest.File) != manifest.File)
        {
            errors.Add($"file '{manifest.File}' must be a plain file name inside the model folder");
        }

        if (manifest.Sha256 is null || manifest.Sha256.Length != 64 || !manifest.Sha256.All(char.IsAsciiHexDigit))
        {
            errors.Add("sha256 must be 64 hexadecimal digits");
        }

        if (manifest.Task != ModelTasks.BinaryClassification)
        {
            errors.Add($"task '{manifest.Task}' is not supported (expected '{ModelTasks.BinaryClassification}')");
        }
        else if (manifest.Labels is not { Count: 2 } || manifest.Labels.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("a binary classifier needs exactly two non-empty labels, negative first");
        }

        foreach (var label in (manifest.LabelCodes ?? new Dictionary<string, CodedLabel>()).Keys)
        {
            if (manifest.Labels?.Contains(label) != true)
            {
                errors.Add($"labelCodes has '{label}', which is not one of the labels");
            }
        }

        ValidateInput(manifest.Input, errors);

        if (manifest.Output is null || string.IsNullOrWhiteSpace(manifest.Output.Name))
        {
            errors.Add("output.name is required");
        }
        else if (manifest.Output.Kind != "probability")
        {
            errors.Add($"output.kind '{manifest.Output.Kind}' is not supported (expected 'probability')");
        }

        if (manifest.Thresholds is not { Count: > 0 })
        {
            errors.Add("at least one decision threshold is required");
        }
        else
        {
            foreach (var t in manifest.Thresholds)
            {
                if (!double.IsFinite(t.Value) || t.Value is < 0 or > 1)
                {
                    errors.Add($"threshold '{t.Name}' value {t.Value} must be within [0, 1]");
                }

                if (string.IsNullOrWhiteSpace(t.Rule))
                {
                    errors.Add($"threshold '{t.Name}' must say how it was chosen (rule)");
                }
            }

            if (manifest.Thresholds.Count(t => t.IsDefault) > 1)
            {
                errors.Add("more than one threshold is marked default");
            }
        }

        if (manifest.Applicability is null)
        {
            errors.Add("applicability is required (use empty lists for 'any')");
        }

        if (string.IsNullOrWhiteSpace(manifest.IntendedUse))
        {
            errors.Add("intendedUse is required");
        }

        return errors;
    }

    private static void ValidateInput(TensorInputSpec? input, List<string> errors)
    {
        if (input is null)
        {
            errors.Add("input is required");
            return;
        }

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            errors.Add("input.name is required");
        }

        if (input.ElementType != "float32")
        {
            errors.Add($"input.elementType '{input.ElementType}' is not supported (expected float32)");
        }

        var p = input.Preprocessing;
        if (p is null)
        {
            errors.Add("input.preprocessing is required");
            return;
        }

        if (p.Kind != PreprocessingKinds.CenterCropResizeGray8)
        {
            errors.Add($"input.preprocessing.kind '{p.Kind}' is not supported (expected '{PreprocessingKinds.CenterCropResizeGray8}')");
        }

        if (p.Width is < 1 or > 4096 || p.Height is < 1 or > 4096)
        {
            errors.Add($"input.preprocessing size {p.Width}x{p.Height} is out of range");
        }

        if (p.Filter is not (ResampleFilters.Bilinear or ResampleFilters.Bicubic))
        {
            errors.Add($"input.preprocessing.filter '{p.Filter}' is not supported (expected bilinear or bicubic)");
        }

        if (p.ChannelOrder != "gray")
        {
            errors.Add($"input.preprocessing.channelOrder '{p.ChannelOrder}' is not supported (expected gray)");
        }

        if (input.Shape is not { Count: 4 } || input.Shape[0] != 1 || input.Shape[1] != 1
            || input.Shape[2] != p.Height || input.Shape[3] != p.Width)
        {
            errors.Add($"input.shape must be [1, 1, {p.Height}, {p.Width}] to match the preprocessing");
        }
    }
}

public sealed class ModelManifestException : Exception
{
    public ModelManifestException(string message)
        : base(message)
    {
    }

    public ModelManifestException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
