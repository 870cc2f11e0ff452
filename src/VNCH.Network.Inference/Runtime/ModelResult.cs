namespace VNCH.Network.Inference.Runtime;

/// <summary>
/// One model's verdict on one input, with everything needed to trace it later: which model (id, version, SHA-256),
/// which input instance, the scores, the threshold applied and how long it took.
/// </summary>
public sealed record ModelResult(
    string ModelId,
    string ModelVersion,
    string ModelSha256,
    string InputInstance,
    IReadOnlyDictionary<string, double> Scores,
    string ThresholdName,
    double Threshold,
    string Label,
    TimeSpan PreprocessingTime,
    TimeSpan InferenceTime)
{
    /// <summary>The probability of the positive label.</summary>
    public double PositiveScore(string positiveLabel) => Scores[positiveLabel];
}
