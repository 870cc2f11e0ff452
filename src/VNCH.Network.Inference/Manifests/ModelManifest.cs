namespace VNCH.Network.Inference.Manifests;

/// <summary>
/// The contents of <c>models/&lt;model-id&gt;/model.json</c>: everything the service needs to run a model and
/// everything a reviewer needs to judge whether its output can be trusted (data, threshold rule, metrics).
/// </summary>
public sealed record ModelManifest
{
    public int SchemaVersion { get; init; } = 1;

    public required string Id { get; init; }

    public required string Version { get; init; }

    /// <summary>The ONNX file name inside the model folder (no directories).</summary>
    public string File { get; init; } = "model.onnx";

    /// <summary>Lower-case hex SHA-256 of the ONNX file; the model is refused when the file does not match.</summary>
    public required string Sha256 { get; init; }

    /// <summary>For now only <see cref="ModelTasks.BinaryClassification"/>.</summary>
    public required string Task { get; init; }

    /// <summary>Class names, negative first: a binary model's probability is that of <c>Labels[1]</c>.</summary>
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Optional coded meaning per label (e.g. SNOMED CT 233604007 Pneumonia) for FHIR Observations.</summary>
    public IReadOnlyDictionary<string, CodedLabel> LabelCodes { get; init; } = new Dictionary<string, CodedLabel>();

    public required TensorInputSpec Input { get; init; }

    public required TensorOutputSpec Output { get; init; }

    public required IReadOnlyList<DecisionThreshold> Thresholds { get; init; }

    public required ModelApplicability Applicability { get; init; }

    public required string IntendedUse { get; init; }

    public TrainingDataDescription? TrainingData { get; init; }

    /// <summary>Split name (e.g. "validation", "test") → metric name (e.g. "auc") → value with optional CI.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, MetricValue>> Metrics { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, MetricValue>>();

    /// <summary>The threshold marked default (or the only one).</summary>
    public DecisionThreshold DefaultThreshold =>
        Thresholds.FirstOrDefault(t => t.IsDefault) ?? Thresholds[0];
}

public sealed record CodedLabel(string System, string Code, string Display);

public static class ModelTasks
{
    public const string BinaryClassification = "binary-classification";
}

public sealed record TensorInputSpec
{
    public required string Name { get; init; }

    /// <summary>Tensor shape for one input; the first dimension is the batch and is 1 here.</summary>
    public required IReadOnlyList<int> Shape { get; init; }

    public string ElementType { get; init; } = "float32";

    public required ImagePreprocessingSpec Preprocessing { get; init; }
}

/// <summary>How an 8-bit grayscale image (display-ready: Modality/VOI LUT applied, MONOCHROME1 inverted) becomes the
/// input tensor. Must describe exactly what the training data went through.</summary>
public sealed record ImagePreprocessingSpec
{
    /// <summary>Preprocessor name; <see cref="PreprocessingKinds.CenterCropResizeGray8"/> is the one we have.</summary>
    public required string Kind { get; init; }

    public required int Width { get; init; }

    public required int Height { get; init; }

    /// <summary>"gray" (one channel).</summary>
    public string ChannelOrder { get; init; } = "gray";

    /// <summary>Resampling filter, PIL names: "bilinear" (triangle) or "bicubic" (a = -0.5), antialiased when
    /// shrinking (the kernel is widened by the scale factor, as PIL does).</summary>
    public string Filter { get; init; } = ResampleFilters.Bilinear;

    /// <summary>Value = round-to-uint8(resampled) × Scale + Offset.</summary>
    public double Scale { get; init; } = 1.0 / 255.0;

    public double Offset { get; init; }

    /// <summary>Free text for humans: where the recipe comes from.</summary>
    public string? Description { get; init; }
}

public static class PreprocessingKinds
{
    /// <summary>Center-crop to a square on the short edge, antialiased resize with PIL semantics, rounded to 8 bits
    /// like the MedMNIST files, then scaled.</summary>
    public const string CenterCropResizeGray8 = "center-crop-resize-gray8";
}

public static class ResampleFilters
{
    public const string Bilinear = "bilinear";
    public const string Bicubic = "bicubic";
}

public sealed record TensorOutputSpec
{
    public required string Name { get; init; }

    /// <summary>"probability": one value in [0,1] per image, the probability of <c>Labels[1]</c>.</summary>
    public string Kind { get; init; } = "probability";
}

public sealed record DecisionThreshold
{
    public required string Name { get; init; }

    /// <summary>Score at or above which the positive label is given.</summary>
    public required double Value { get; init; }

    public bool IsDefault { get; init; }

    /// <summary>How the value was chosen (which split, which rule), so no one mistakes it for a test-tuned number.</summary>
    public required string Rule { get; init; }
}

/// <summary>Which studies a model may be run on. Empty lists mean "any". Matching is case-insensitive.</summary>
public sealed record ModelApplicability
{
    public IReadOnlyList<string> StudyKinds { get; init; } = [];

    public IReadOnlyList<string> Modalities { get; init; } = [];

    public IReadOnlyList<string> BodyPartsExamined { get; init; } = [];

    public IReadOnlyList<string> ViewPositions { get; init; } = [];

    public IReadOnlyList<string> SopClassUids { get; init; } = [];

    /// <summary>Free text for humans (age range, projection, what is out of scope).</summary>
    public string? Notes { get; init; }

    public bool Matches(ImagingAttributes attributes)
    {
        return Allows(StudyKinds, attributes.StudyKind)
            && Allows(Modalities, attributes.Modality)
            && Allows(BodyPartsExamined, attributes.BodyPartExamined)
            && Allows(ViewPositions, attributes.ViewPosition)
            && Allows(SopClassUids, attributes.SopClassUid);
    }

    // A required attribute that the study does not carry does not match: we would rather not run than guess.
    private static bool Allows(IReadOnlyList<string> allowed, string? value) =>
        allowed.Count == 0 || (value is not null && allowed.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase));
}

/// <summary>The attributes of one instance that decide which models apply.</summary>
public sealed record ImagingAttributes(
    string? StudyKind,
    string? Modality,
    string? BodyPartExamined,
    string? ViewPosition,
    string? SopClassUid);

public sealed record TrainingDataDescription
{
    public required string Name { get; init; }

    public string? Source { get; init; }

    public string? Licence { get; init; }

    public string? Population { get; init; }

    public IReadOnlyDictionary<string, string> Splits { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Citations { get; init; } = [];
}

/// <summary>A metric with an optional 95 % confidence interval and the method that produced it.</summary>
public sealed record MetricValue
{
    public required double Value { get; init; }

    public double? Lower { get; init; }

    public double? Upper { get; init; }

    public string? Method { get; init; }
}
