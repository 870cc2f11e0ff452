namespace VNCH.Network.Core.Features.Analysis;

/// <summary>
/// One analyser: an ONNX model or a clinical algorithm. Implementations live in Inference and Signals; the
/// analysis stage only sees this port. Analysers never see the tenant: the subject is tenant-free on purpose.
/// </summary>
public interface IAnalyser
{
    AnalyserDescriptor Descriptor { get; }

    /// <summary>Cheap check on metadata only (no pixel or sample decoding).</summary>
    bool AppliesTo(AnalysisSubject subject);

    /// <summary>
    /// Analyses the subject. Throw <see cref="AnalysisRejectedException"/> when the input itself is unusable
    /// (the study ends <c>rejected</c>); any other exception is treated as transient and retried.
    /// </summary>
    Task<AnalyserResult> AnalyseAsync(AnalysisSubject subject, CancellationToken cancellationToken);
}

public enum AnalyserKind
{
    Model,
    Algorithm,
}

/// <param name="Id">Stable identifier, e.g. <c>pneumonia-cxr</c> or <c>ecg-intervals</c>.</param>
/// <param name="Version">Semantic version of the model or algorithm.</param>
/// <param name="Sha256">Hex SHA-256 of the model file or of the algorithm build, recorded on the FHIR Device.</param>
/// <param name="DisplayName">Human-readable name for reports.</param>
public sealed record AnalyserDescriptor(string Id, string Version, AnalyserKind Kind, string Sha256, string? DisplayName = null);

/// <summary>The input cannot be analysed (e.g. undecodable pixels); not worth retrying.</summary>
public sealed class AnalysisRejectedException(string reasonCode, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string ReasonCode { get; } = reasonCode;
}
