using System.Globalization;

namespace VNCH.Network.Signals.Ecg.Analysis;

/// <summary>
/// The ECG interpretation algorithm (wrapped for the analysis port by the Inference project's EcgAnalyser): quality checks, QRS detection (<see cref="QrsDetector"/>), RR statistics, representative-beat
/// delineation (<see cref="BeatDelineator"/>), QTc (Bazett, Fridericia) and an age-specific interpretation against
/// <see cref="PediatricEcgNorms"/>. Deterministic and allocation-bounded: a 30-minute two-lead record takes tens
/// of milliseconds.
/// </summary>
public static class EcgInterpreter
{
    public const string AlgorithmName = "VNCH ECG analyser 1.0 (Pan-Tompkins QRS, spatial-velocity delineation, tangent T end)";

    /// <summary>A beat is premature when its RR is under 80 % of the local median RR.</summary>
    public const double PrematureFraction = 0.80;

    /// <summary>NN filter: intervals within ±20 % of the local median are normal-to-normal.</summary>
    public const double NormalToNormalTolerance = 0.20;

    /// <summary>Irregular rhythm: more than 10 % of successive NN differences exceed 15 % of the median RR.</summary>
    public const double IrregularSuccessiveDifference = 0.15;
    public const double IrregularFraction = 0.10;

    /// <summary>Fewest beats averaged before intervals are reported.</summary>
    public const int MinimumBeatsForIntervals = 3;

    /// <param name="ageDaysOverride">Age at acquisition when the caller knows it better than the file (e.g. from the FHIR Patient).</param>
    public static EcgAnalysis Interpret(EcgRecording recording, int? ageDaysOverride = null, Sex? sexOverride = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var fs = recording.SamplingRateHz;
        var ageDays = ageDaysOverride ?? recording.Subject.AgeDaysAt(recording.AcquisitionTime);
        var sex = sexOverride ?? recording.Subject.Sex;
        var limits = PediatricEcgNorms.For(ageDays, sex);

        var unusable = recording.Leads.Where(l => SignalQuality.IsLeadOff(l.Microvolts, fs)).Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var detectorLeads = recording.Leads.Select(l => l.Name).Where(n => !unusable.Contains(n)).ToList();
        var peaks = detectorLeads.Count == 0
            ? []
            : QrsDetector.Detect(recording, QrsDetectorOptions.Default with { Leads = detectorLeads });
        // Quality checks and delineation only read the recording: run them side by side.
        IReadOnlyList<LeadQuality> quality = [];
        EcgDelineation delineation = null!;
        Parallel.Invoke(
            () => quality = SignalQuality.Assess(recording, peaks),
            () => delineation = BeatDelineator.Delineate(recording, peaks, unusable));
        var beats = BuildBeats(peaks, delineation.BeatQrs, fs);
        var rr = RrStats(beats);
        var heartRate = rr is null ? (double?)null : 60_000 / rr.MedianMs;
        var rhythm = Regularity(beats, rr);

        var beat = delineation.Representative is { BeatsAveraged: >= MinimumBeatsForIntervals } rep ? rep : null;
        var intervals = Intervals(beat, rr);
        var statements = Interpret(recording, quality, beats, heartRate, rhythm, intervals, limits, ageDays);
        return new EcgAnalysis
        {
            SamplingRateHz = fs,
            DurationSeconds = recording.SampleCount / fs,
            Beats = beats,
            HeartRateBpm = heartRate,
            RR = rr,
            Rhythm = rhythm,
            Intervals = intervals,
            RepresentativeBeat = beat,
            Quality = quality,
            AgeDays = ageDays,
            NormalLimits = limits,
            Statements = statements,
        };
    }

    /// <summary>QTc after Bazett (1920): QT / √RR, RR in seconds.</summary>
    public static double QtcBazett(double qtMs, double rrMs) => qtMs / Math.Sqrt(rrMs / 1000);

    /// <summary>QTc after Fridericia (1920): QT / ∛RR, RR in seconds.</summary>
    public static double QtcFridericia(double qtMs, double rrMs) => qtMs / Math.Cbrt(rrMs / 1000);

    private static List<EcgBeat> BuildBeats(IReadOnlyList<int> peaks, IReadOnlyList<QrsBounds> qrs, double fs)
    {
        var rr = new double[peaks.Count];
        for (var i = 1; i < peaks.Count; i++)
        {
            rr[i] = (peaks[i] - peaks[i - 1]) * 1000 / fs;
        }

        var beats = new List<EcgBeat>(peaks.Count);
        for (var i = 0; i < peaks.Count; i++)
        {
            double? before = i > 0 ? rr[i] : null;
            var premature = before is { } value && value < PrematureFraction * LocalMedian(rr, i);
            beats.Add(new EcgBeat(peaks[i], peaks[i] / fs, before, premature, qrs[i].Onset, qrs[i].Offset));
        }

        return beats;
    }

    // Median of up to 8 RR intervals around interval i (interval 0 does not exist).
    private static double LocalMedian(double[] rr, int i)
    {
        var from = Math.Max(1, i - 4);
        var to = Math.Min(rr.Length - 1, i + 4);
        var window = new List<double>();
        for (var k = from; k <= to; k++)
        {
            window.Add(rr[k]);
        }

        return Statistics.Median(window);
    }

    private static RrStatistics? RrStats(List<EcgBeat> beats)
    {
        var rr = beats.Where(b => b.RrBeforeMs is not null).Select(b => b.RrBeforeMs!.Value).ToArray();
        if (rr.Length == 0)
        {
            return null;
        }

        var padded = new double[rr.Length + 1];
        rr.CopyTo(padded, 1);
        var normal = new bool[rr.Length];
        for (var i = 0; i < rr.Length; i++)
        {
            var local = LocalMedian(padded, i + 1);
            normal[i] = Math.Abs(rr[i] - local) <= NormalToNormalTolerance * local;
        }

        var nn = rr.Where((_, i) => normal[i]).ToList();
        var successive = new List<double>();
        for (var i = 1; i < rr.Length; i++)
        {
            if (normal[i] && normal[i - 1])
            {
                successive.Add(rr[i] - rr[i - 1]);
            }
        }

        double? sdnn = nn.Count >= 2 ? Statistics.StandardDeviation(nn) : null;
        double? rmssd = successive.Count >= 1 ? Math.Sqrt(successive.Average(d => d * d)) : null;
        return new RrStatistics(rr.Length, rr.Average(), Statistics.Median(rr), rr.Min(), rr.Max(), nn.Count, sdnn, rmssd);
    }

    private static RhythmRegularity Regularity(List<EcgBeat> beats, RrStatistics? stats)
    {
        if (stats is null || stats.Count < 4)
        {
            return RhythmRegularity.Undetermined;
        }

        var rr = beats.Where(b => b.RrBeforeMs is not null).Select(b => b.RrBeforeMs!.Value).ToArray();
        var large = 0;
        for (var i = 1; i < rr.Length; i++)
        {
            if (Math.Abs(rr[i] - rr[i - 1]) > IrregularSuccessiveDifference * stats.MedianMs)
            {
                large++;
            }
        }

        return large > IrregularFraction * (rr.Length - 1) ? RhythmRegularity.Irregular : RhythmRegularity.Regular;
    }

    private static EcgIntervals Intervals(RepresentativeBeat? beat, RrStatistics? rr)
    {
        if (beat is null)
        {
            return new EcgIntervals(null, null, null, null, null);
        }

        double? pr = beat.POnset is { } p ? beat.Milliseconds(p, beat.QrsOnset) : null;
        var qrs = beat.Milliseconds(beat.QrsOnset, beat.QrsOffset);
        double? qt = beat.TEnd is { } t ? beat.Milliseconds(beat.QrsOnset, t) : null;
        double? bazett = qt is { } q && rr is not null ? QtcBazett(q, rr.MedianMs) : null;
        double? fridericia = qt is { } q2 && rr is not null ? QtcFridericia(q2, rr.MedianMs) : null;
        return new EcgIntervals(pr, qrs, qt, bazett, fridericia);
    }

    private static List<EcgStatement> Interpret(
        EcgRecording recording,
        IReadOnlyList<LeadQuality> quality,
        List<EcgBeat> beats,
        double? heartRate,
        RhythmRegularity rhythm,
        EcgIntervals intervals,
        EcgNormalLimits limits,
        int? ageDays)
    {
        var statements = new List<EcgStatement>();
        var band = ageDays is { } days ? $"{limits.AgeBand} (age {PatientAge.Describe(days)})" : $"{limits.AgeBand} (age unknown: adult limits)";
        ReferenceRange Range(string measurement, double? lower, double? upper, string unit) => new(measurement, lower, upper, unit, band, limits.Source);
        static string F(double value) => value.ToString("0", CultureInfo.InvariantCulture);

        if (ageDays is null)
        {
            statements.Add(new("AGE_UNKNOWN", "Patient age unknown: adult normal limits were applied; pediatric limits need the birth date or age.", StatementSeverity.Technical));
        }

        foreach (var lead in quality.Where(q => q.Flags != LeadQualityFlags.None))
        {
            statements.Add(new("SIGNAL_QUALITY", $"Lead {lead.Lead}: {Describe(lead.Flags)}.", StatementSeverity.Technical));
        }

        if (recording.Duration < QrsDetector.MinimumDuration)
        {
            statements.Add(new("RECORDING_TOO_SHORT", $"The recording lasts {recording.Duration.TotalSeconds:0.#} s; at least {QrsDetector.MinimumDuration.TotalSeconds:0} s are needed for rate and rhythm.", StatementSeverity.Technical));
            return statements;
        }

        if (beats.Count < 2 || heartRate is null)
        {
            statements.Add(new("NO_RHYTHM", $"Fewer than two QRS complexes were detected in {recording.Duration.TotalSeconds:0.#} s; rate and rhythm cannot be analysed (check leads; asystole must be excluded clinically).", StatementSeverity.Critical));
            return statements;
        }

        var rate = Range("heart rate", limits.HeartRateLow, limits.HeartRateHigh, "/min");
        if (heartRate < limits.HeartRateLow)
        {
            statements.Add(new("BRADYCARDIA", $"Heart rate {F(heartRate.Value)}/min is below the normal range for age ({F(limits.HeartRateLow)}-{F(limits.HeartRateHigh)}/min).", StatementSeverity.Abnormal, rate));
        }
        else if (heartRate > limits.HeartRateHigh)
        {
            statements.Add(new("TACHYCARDIA", $"Heart rate {F(heartRate.Value)}/min is above the normal range for age ({F(limits.HeartRateLow)}-{F(limits.HeartRateHigh)}/min).", StatementSeverity.Abnormal, rate));
        }

        if (rhythm == RhythmRegularity.Irregular)
        {
            statements.Add(new("IRREGULAR_RHYTHM", "Irregular RR intervals (respiratory sinus arrhythmia is common in children; atrial fibrillation is not excluded by this algorithm).", StatementSeverity.Borderline));
        }

        var premature = beats.Count(b => b.Premature);
        if (premature > 0)
        {
            statements.Add(new("PREMATURE_BEATS", $"{premature} premature beat(s) (RR under {PrematureFraction:P0} of the local median).", StatementSeverity.Borderline));
        }

        if (intervals.PrMs is { } pr)
        {
            var range = Range("PR interval", limits.PrLowMs, limits.PrHighMs, "ms");
            if (pr > limits.PrHighMs)
            {
                statements.Add(new("PR_PROLONGED", $"PR interval {F(pr)} ms is longer than normal for age (>{F(limits.PrHighMs)} ms): first-degree AV block pattern.", StatementSeverity.Abnormal, range));
            }
            else if (pr < limits.PrLowMs)
            {
                statements.Add(new("PR_SHORT", $"PR interval {F(pr)} ms is shorter than normal for age (<{F(limits.PrLowMs)} ms): consider pre-excitation.", StatementSeverity.Borderline, range));
            }
        }

        if (intervals.QrsMs is { } qrs && qrs > limits.QrsUpperMs)
        {
            statements.Add(new("QRS_PROLONGED", $"QRS duration {F(qrs)} ms exceeds the 98th percentile for age ({F(limits.QrsUpperMs)} ms): intraventricular conduction delay.", StatementSeverity.Abnormal, Range("QRS duration", null, limits.QrsUpperMs, "ms")));
        }

        if (intervals.QtcBazettMs is { } qtc)
        {
            var range = Range("QTc (Bazett)", null, limits.QtcBazettUpperMs, "ms");
            if (qtc >= PediatricEcgNorms.CriticalQtcMs)
            {
                statements.Add(new("QTC_CRITICAL", $"QTc (Bazett) {F(qtc)} ms is 500 ms or more: high risk of torsade de pointes.", StatementSeverity.Critical, range));
            }
            else if (qtc > limits.QtcBazettUpperMs)
            {
                statements.Add(new("QTC_PROLONGED", $"QTc (Bazett) {F(qtc)} ms is above the upper limit for age ({F(limits.QtcBazettUpperMs)} ms).", StatementSeverity.Abnormal, range));
            }
        }

        if (intervals.QrsMs is null)
        {
            statements.Add(new("NO_INTERVALS", $"Fewer than {MinimumBeatsForIntervals} dominant beats: intervals were not measured.", StatementSeverity.Technical));
        }

        if (!statements.Any(s => s.Severity >= StatementSeverity.Borderline))
        {
            statements.Add(new("WITHIN_NORMAL_LIMITS", $"Heart rate {F(heartRate.Value)}/min and measured intervals within normal limits for {band}.", StatementSeverity.Normal, rate));
        }

        return statements;
    }

    private static string Describe(LeadQualityFlags flags)
    {
        var parts = new List<string>();
        if ((flags & LeadQualityFlags.LeadOff) != 0)
        {
            parts.Add("lead off (flat for most of the recording)");
        }
        else if ((flags & LeadQualityFlags.FlatLine) != 0)
        {
            parts.Add("flat-line segments");
        }

        if ((flags & LeadQualityFlags.Saturation) != 0)
        {
            parts.Add("saturation (clipped signal)");
        }

        if ((flags & LeadQualityFlags.BaselineWander) != 0)
        {
            parts.Add("baseline wander over 1 mV");
        }

        if ((flags & LeadQualityFlags.Noise) != 0)
        {
            parts.Add("high-frequency noise");
        }

        return string.Join(", ", parts);
    }
}
