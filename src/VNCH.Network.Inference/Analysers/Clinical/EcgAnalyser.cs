using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Dicom;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Signals.Ecg.Dicom;
using static VNCH.Network.Inference.Analysers.Clinical.ClinicalAlgorithm;

namespace VNCH.Network.Inference.Analysers.Clinical;

/// <summary>
/// The ECG algorithm (<see cref="EcgInterpreter"/>) behind the analysis port: reads the first ECG document of the
/// study (HL7 aECG or a DICOM ECG waveform), analyses it with the patient's age from the study, and reports rate
/// and global intervals as LOINC-coded Observations with the age band's normal limits.
/// </summary>
public sealed class EcgAnalyser : IAnalyser
{
    public const string Id = "ecg-intervals";

    /// <summary>DICOM ECG waveform SOP classes the algorithm understands: 12-lead, general and ambulatory ECG.
    /// Hemodynamic and other waveforms are pressure or audio channels, not ECG leads.</summary>
    public static IReadOnlySet<string> EcgSopClasses { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "1.2.840.10008.5.1.4.1.1.9.1.1",
        "1.2.840.10008.5.1.4.1.1.9.1.2",
        "1.2.840.10008.5.1.4.1.1.9.1.3",
    };

    // Global (all-lead) LOINC interval codes; docs/adr/0060 gives the sources. Loinc.HasValidCheckDigit guards typos.
    public static CodedConcept HeartRate { get; } = new(CodeSystems.Loinc, "8867-4", "Heart rate");
    public static CodedConcept PrInterval { get; } = new(CodeSystems.Loinc, "8625-6", "P-R Interval");
    public static CodedConcept QrsDuration { get; } = new(CodeSystems.Loinc, "8633-0", "QRS duration");
    public static CodedConcept QtInterval { get; } = new(CodeSystems.Loinc, "8634-8", "Q-T interval");
    public static CodedConcept QtcBazett { get; } = new(CodeSystems.Loinc, "76635-2", "Q-T interval corrected based on Bazett formula");
    public static CodedConcept QtcFridericia { get; } = new(CodeSystems.Loinc, "76634-5", "Q-T interval corrected based on Fridericia formula");
    public static CodedConcept RrMedian { get; } = new(LocalCodeSystem, "ecg-rr-median", "Median R-R interval");

    public AnalyserDescriptor Descriptor { get; } = ClinicalAlgorithm.Descriptor(Id, EcgInterpreter.AlgorithmName);

    public bool AppliesTo(AnalysisSubject subject) => subject.Kind == StudyKind.Ecg && Applicable(subject) is not null;

    public async Task<AnalyserResult> AnalyseAsync(AnalysisSubject subject, CancellationToken cancellationToken)
    {
        var instance = Applicable(subject)
            ?? throw new AnalysisRejectedException("no-applicable-instance", "The study holds no HL7 aECG or DICOM ECG waveform document.");
        var recording = await ReadAsync<EcgRecording>(
            instance, stream => Read(instance.ContentType, stream), "ecg-unreadable", cancellationToken);

        var analysis = EcgInterpreter.Interpret(recording, subject.PatientAgeInDays, AdministrativeSexCodes.ToSignals(subject.Sex));
        if (analysis.HeartRateBpm is null)
        {
            var why = analysis.Statements.Where(s => s.Severity is StatementSeverity.Technical or StatementSeverity.Critical).Select(s => s.Text);
            throw new AnalysisRejectedException("ecg-signal-unusable",
                $"Instance {instance.InstanceUid}: no heart rate could be measured. {string.Join(" ", why)}".TrimEnd());
        }

        return new AnalyserResult
        {
            Findings = Findings(analysis, instance.InstanceUid),
            Conclusion = $"{EcgInterpreter.AlgorithmName}; normal limits for {analysis.NormalLimits.AgeBand} ({analysis.NormalLimits.Source}). " +
                         string.Join(" ", analysis.Statements.Select(s => s.Text)) + " Decision support only; requires clinician review.",
            Label = Worst(analysis.Statements.Where(s => s.Severity != StatementSeverity.Technical).Select(s => s.Severity)).ToString().ToLowerInvariant(),
            InputInstanceUid = instance.InstanceUid,
        };
    }

    private static List<Finding> Findings(EcgAnalysis analysis, string instanceUid)
    {
        var limits = analysis.NormalLimits;
        var band = $"{limits.AgeBand}; {limits.Source}";
        var findings = new List<Finding>();

        void Add(CodedConcept code, double? value, string unit, double? low, double? high, bool critical = false)
        {
            if (value is not { } v)
            {
                return;
            }

            findings.Add(new Finding
            {
                Code = code,
                Value = new QuantityValue(Round(v), unit),
                Interpretation = low is null && high is null ? null : critical ? Interpretation("HH") : Against(v, low, high),
                ReferenceRange = low is null && high is null ? null : new Core.Features.Analysis.ReferenceRange(Round(low), Round(high), unit, band),
                InputInstanceUid = instanceUid,
            });
        }

        var intervals = analysis.Intervals;
        Add(HeartRate, analysis.HeartRateBpm, "/min", limits.HeartRateLow, limits.HeartRateHigh);
        Add(RrMedian, analysis.RR?.MedianMs, "ms", null, null);
        Add(PrInterval, intervals.PrMs, "ms", limits.PrLowMs, limits.PrHighMs);
        Add(QrsDuration, intervals.QrsMs, "ms", null, limits.QrsUpperMs);
        Add(QtInterval, intervals.QtMs, "ms", null, null);
        Add(QtcBazett, intervals.QtcBazettMs, "ms", null, limits.QtcBazettUpperMs,
            critical: intervals.QtcBazettMs >= PediatricEcgNorms.CriticalQtcMs);
        // The pediatric limits are published for Bazett only, so Fridericia is reported without a reference range.
        Add(QtcFridericia, intervals.QtcFridericiaMs, "ms", null, null);
        return findings;
    }

    private static SubjectInstance? Applicable(AnalysisSubject subject) =>
        subject.Instances.FirstOrDefault(i => IsEcgDocument(i.ContentType, i.Metadata.SopClassUid));

    /// <summary>An HL7 aECG document or a DICOM ECG waveform: what the algorithm (and the ECG display) reads.</summary>
    public static bool IsEcgDocument(string contentType, string? sopClassUid) =>
        IsAecg(contentType)
        || (string.Equals(contentType, DicomDocumentParser.MediaType, StringComparison.OrdinalIgnoreCase)
            && sopClassUid is { } sop && EcgSopClasses.Contains(sop));

    /// <summary>Reads an ECG document of either form (throws SignalFormatException / DicomException when unreadable).</summary>
    public static EcgRecording Read(string contentType, Stream stream) =>
        IsAecg(contentType) ? AecgReader.Read(stream) : DicomWaveformReader.Read(stream);

    private static bool IsAecg(string contentType) =>
        string.Equals(contentType, AecgDocumentParser.MediaType, StringComparison.OrdinalIgnoreCase);
}
