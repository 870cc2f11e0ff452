using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Audiometry;
using static VNCH.Network.Inference.Analysers.Clinical.ClinicalAlgorithm;

namespace VNCH.Network.Inference.Analysers.Clinical;

/// <summary>
/// The audiometry algorithm (<see cref="AudiogramInterpreter"/>) behind the analysis port, for both audiogram forms
/// (JSON document or FHIR Bundle, <see cref="AudiogramFormats"/>): PTA per ear, WHO 2021
/// grade of the better ear, hearing-loss type and Jerger tympanogram type. LOINC has no code for a four-frequency
/// PTA nor for a WHO grade, so those use the local code system (docs/adr/0060-clinical-algorithms-as-analysers.md); hearing-loss types carry
/// SNOMED CT disorder codes.
/// </summary>
public sealed class AudiometryAnalyser : IAnalyser
{
    public const string Id = "audiometry";

    /// <summary>The WHO 2021 grade boundary for "normal": below 20 dB HL (better ear).</summary>
    private const double WhoNormalBelowDbHl = 20;

    public static CodedConcept WhoGrade { get; } = new(LocalCodeSystem, "who-hearing-grade", "WHO 2021 hearing loss grade (better ear)");
    public static CodedConcept HearingLoss { get; } = new(CodeSystems.SnomedCt, "15188001", "Hearing loss");

    public AnalyserDescriptor Descriptor { get; } = ClinicalAlgorithm.Descriptor(Id, "VNCH audiometry 1.0 (PTA4, WHO 2021 grade, Jerger tympanogram)");

    public static CodedConcept Pta(Ear ear) => new(LocalCodeSystem, $"pta4-{Side(ear)}", $"Pure-tone average 0.5-1-2-4 kHz, air conduction, {Side(ear)} ear");

    public static CodedConcept LossType(Ear ear) => new(LocalCodeSystem, $"hearing-loss-type-{Side(ear)}", $"Type of hearing loss, {Side(ear)} ear");

    public static CodedConcept Tympanogram(Ear ear) => new(LocalCodeSystem, $"tympanogram-type-{Side(ear)}", $"Tympanogram type (Jerger), {Side(ear)} ear");

    public bool AppliesTo(AnalysisSubject subject) => subject.Kind == StudyKind.Audiogram && Applicable(subject) is not null;

    public async Task<AnalyserResult> AnalyseAsync(AnalysisSubject subject, CancellationToken cancellationToken)
    {
        var instance = Applicable(subject)
            ?? throw new AnalysisRejectedException("no-applicable-instance", "The study holds no audiogram document.");
        var document = await ReadAsync(instance, stream => AudiogramFormats.Read(instance.ContentType, stream), "audiogram-invalid", cancellationToken);

        var analysis = AudiogramInterpreter.Interpret(document);
        if (analysis.Grade is null)
        {
            throw new AnalysisRejectedException("audiogram-incomplete",
                $"Instance {instance.InstanceUid}: neither ear has thresholds at all of 0.5, 1, 2 and 4 kHz; no PTA or grade can be given.");
        }

        var findings = new List<Finding>();
        foreach (var ear in new[] { analysis.Right, analysis.Left }.OfType<EarAnalysis>())
        {
            findings.AddRange(EarFindings(ear, instance.InstanceUid));
        }

        var grade = analysis.Grade.Value;
        findings.Add(new Finding
        {
            Code = WhoGrade,
            Value = new CodedValue(GradeConcept(grade)),
            Interpretation = Interpretation(grade == WhoHearingGrade.Normal ? "N" : "A"),
            InputInstanceUid = instance.InstanceUid,
        });

        return new AnalyserResult
        {
            Findings = findings,
            Conclusion = $"WHO grade {Describe(grade)} ({WhoHearingGrading.Range(grade)}, better ear {analysis.BetterEar}). " +
                         string.Join(" ", analysis.Statements.Select(s => s.Text)) + " Decision support only; requires clinician review.",
            ConclusionCode = grade == WhoHearingGrade.Normal ? null : HearingLoss,
            Label = Describe(grade),
            InputInstanceUid = instance.InstanceUid,
        };
    }

    private static IEnumerable<Finding> EarFindings(EarAnalysis ear, string instanceUid)
    {
        if (ear.Pta4DbHl is { } pta)
        {
            yield return new Finding
            {
                Code = Pta(ear.Ear),
                Value = new QuantityValue(Round(pta), AudiometryCodes.DecibelHearingLevel),
                Interpretation = Interpretation(pta < WhoNormalBelowDbHl ? "N" : "H"),
                ReferenceRange = new ReferenceRange(null, (decimal)WhoNormalBelowDbHl, AudiometryCodes.DecibelHearingLevel,
                    $"Normal below {WhoNormalBelowDbHl} dB HL ({WhoHearingGrading.Source})" + (ear.PtaIsLowerBound ? "; includes no-response thresholds: a lower bound" : "")),
                InputInstanceUid = instanceUid,
            };
        }

        if (ear.Type is not HearingLossType.None)
        {
            yield return new Finding
            {
                Code = LossType(ear.Ear),
                Value = new CodedValue(TypeConcept(ear.Type)),
                Interpretation = Interpretation("A"),
                InputInstanceUid = instanceUid,
            };
        }

        if (ear.Tympanogram is { } tympanogram)
        {
            yield return new Finding
            {
                Code = Tympanogram(ear.Ear),
                Value = new CodedValue(new CodedConcept(LocalCodeSystem, $"jerger-{tympanogram}", $"Jerger type {tympanogram}")),
                Interpretation = Interpretation(tympanogram == TympanogramType.A ? "N" : "A"),
                InputInstanceUid = instanceUid,
            };
        }
    }

    /// <summary>SNOMED CT disorder codes for the typed losses; "undetermined" has none.</summary>
    private static CodedConcept TypeConcept(HearingLossType type) => type switch
    {
        HearingLossType.Conductive => new(CodeSystems.SnomedCt, "44057004", "Conductive hearing loss"),
        HearingLossType.Sensorineural => new(CodeSystems.SnomedCt, "60700002", "Sensorineural hearing loss"),
        HearingLossType.Mixed => new(CodeSystems.SnomedCt, "77507001", "Mixed conductive and sensorineural hearing loss"),
        _ => new(LocalCodeSystem, "hearing-loss-type-undetermined", "Hearing loss, type undetermined (no bone conduction)"),
    };

    private static CodedConcept GradeConcept(WhoHearingGrade grade) =>
        new(LocalCodeSystem, $"who-2021-{Describe(grade).Replace(' ', '-')}", $"WHO 2021 grade: {Describe(grade)} ({WhoHearingGrading.Range(grade)})");

    private static string Describe(WhoHearingGrade grade) => grade switch
    {
        WhoHearingGrade.ModeratelySevere => "moderately severe",
        _ => grade.ToString().ToLowerInvariant(),
    };

    private static string Side(Ear ear) => ear == Ear.Right ? "right" : "left";

    private static SubjectInstance? Applicable(AnalysisSubject subject) =>
        subject.Instances.FirstOrDefault(i => AudiogramFormats.IsAudiogram(i.ContentType));
}
