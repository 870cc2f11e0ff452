using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Dicom;
using VNCH.Network.Inference.Imaging;
using VNCH.Network.Inference.Manifests;
using VNCH.Network.Inference.Runtime;

namespace VNCH.Network.Inference.Analysers.Imaging;

/// <summary>
/// The analysis port over one registry model: picks the study's DICOM instances that the manifest's applicability
/// allows, runs each through DICOM → gray8 → preprocessing → ONNX, and reports the instance with the highest
/// positive score (a study is positive when any applicable view is).
/// </summary>
public sealed class OnnxImagingAnalyser(OnnxModel model) : IAnalyser
{
    private const string Interpretation = CodeSystems.ObservationInterpretation;

    public AnalyserDescriptor Descriptor { get; } =
        new(model.Manifest.Id, model.Manifest.Version, AnalyserKind.Model, model.Manifest.Sha256, model.Manifest.Id);

    public bool AppliesTo(AnalysisSubject subject) => Applicable(subject).Any();

    public async Task<AnalyserResult> AnalyseAsync(AnalysisSubject subject, CancellationToken cancellationToken)
    {
        var results = new List<ModelResult>();
        foreach (var instance in Applicable(subject))
        {
            cancellationToken.ThrowIfCancellationRequested();
            DicomImageInput input;
            await using (var stream = await instance.OpenAsync(cancellationToken))
            {
                try
                {
                    input = DicomImageInput.Read(stream);
                }
                catch (DicomException ex)
                {
                    throw new AnalysisRejectedException("pixel-data-undecodable", $"Instance {instance.InstanceUid}: {ex.Message}", ex);
                }
            }

            using (input)
            {
                results.Add(model.Classify(input.Gray8, input.Width, input.Height, instance.InstanceUid));
            }
        }

        if (results.Count == 0)
        {
            throw new AnalysisRejectedException("no-applicable-instance", $"No instance of the study fits model '{model.Id}'.");
        }

        var positive = model.PositiveLabel;
        var chosen = results.MaxBy(r => r.Scores[positive])!;
        return new AnalyserResult
        {
            Findings = results.Select(r => new Finding
            {
                Code = Code(positive),
                Value = new ScoreValue(r.Scores[positive]),
                Interpretation = r.Label == positive
                    ? new CodedConcept(Interpretation, "POS", "Positive")
                    : new CodedConcept(Interpretation, "NEG", "Negative"),
                InputInstanceUid = r.InputInstance,
            }).ToList(),
            Conclusion = $"{model.Id} {model.Manifest.Version}: {chosen.Label} (P({positive}) = {chosen.Scores[positive]:F3}, " +
                         $"threshold {chosen.Threshold:F3}). Decision support only; requires clinician review.",
            ConclusionCode = Code(chosen.Label),
            Scores = chosen.Scores,
            Threshold = chosen.Threshold,
            Label = chosen.Label,
            InputInstanceUid = chosen.InputInstance,
        };
    }

    private IEnumerable<SubjectInstance> Applicable(AnalysisSubject subject)
    {
        var kind = subject.Kind.ToString().ToLowerInvariant();
        return subject.Instances.Where(i =>
            string.Equals(i.ContentType, DicomDocumentParser.MediaType, StringComparison.OrdinalIgnoreCase)
            && model.Manifest.Applicability.Matches(new ImagingAttributes(
                kind, i.Metadata.Modality, i.Metadata.BodyPart, i.Metadata.ViewPosition, i.Metadata.SopClassUid)));
    }

    private CodedConcept Code(string label) =>
        model.Manifest.LabelCodes.TryGetValue(label, out var code)
            ? new CodedConcept(code.System, code.Code, code.Display)
            : new CodedConcept("urn:vnch:model-label:" + model.Id, label, label);
}
