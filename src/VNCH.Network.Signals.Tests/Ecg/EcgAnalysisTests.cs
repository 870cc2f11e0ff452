using System.Globalization;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Testing;
using Xunit.Abstractions;

namespace VNCH.Network.Signals.Tests.Ecg;

public sealed class EcgAnalysisTests(ITestOutputHelper output)
{
    [Fact]
    public void Aecg_example_qrs_onsets_offsets_and_durations_are_within_10_ms_of_its_annotations()
    {
        var recording = AecgReaderTests.ReadExample();
        var analysis = EcgInterpreter.Interpret(recording);
        var reference = EcgTestData.Csv("ecg/derived/Example_aECG_qrs_intervals.csv")
            .Select(r => (Onset: EcgTestData.Number(r[0]), Offset: EcgTestData.Number(r[1]))).ToList();
        Assert.Equal(12, reference.Count);
        Assert.Equal(12, analysis.Beats.Count);

        var worst = 0.0;
        foreach (var (onset, offset) in reference)
        {
            // The beat whose R peak lies inside the annotated QRS.
            var beat = analysis.Beats.Single(b => b.TimeSeconds > onset && b.TimeSeconds < offset);
            var ourOnset = beat.QrsOnset!.Value / recording.SamplingRateHz;
            var ourOffset = beat.QrsOffset!.Value / recording.SamplingRateHz;
            var durationError = Math.Abs((ourOffset - ourOnset) - (offset - onset)) * 1000;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"annotated QRS {onset:0.000}-{offset:0.000} s ({(offset - onset) * 1000:0} ms); ours {ourOnset:0.000}-{ourOffset:0.000} s ({(ourOffset - ourOnset) * 1000:0} ms); onset {(ourOnset - onset) * 1000:+0;-0;0} ms, offset {(ourOffset - offset) * 1000:+0;-0;0} ms"));
            Assert.InRange(durationError, 0, 10);
            Assert.InRange(Math.Abs(ourOnset - onset) * 1000, 0, 10);
            Assert.InRange(Math.Abs(ourOffset - offset) * 1000, 0, 10);
            worst = Math.Max(worst, durationError);
        }

        // Global measurements stated in the document: PR 148, QRS 120, QT 420 ms.
        var intervals = analysis.Intervals;
        output.WriteLine($"worst per-beat QRS duration error {worst:0} ms; representative beat: PR {intervals.PrMs:0} (doc 148), QRS {intervals.QrsMs:0} (doc 120), QT {intervals.QtMs:0} (doc 420), QTc Bazett {intervals.QtcBazettMs:0} (doc 443) ms");
        Assert.InRange(intervals.QrsMs!.Value, 110, 130);
        Assert.InRange(intervals.PrMs!.Value, 133, 163);
        Assert.InRange(intervals.QtMs!.Value, 405, 435);
    }

    [Fact]
    public void Dicom_ecg_r_peaks_and_intervals_from_the_pydicom_decoded_samples()
    {
        // Samples as decoded by pydicom (the DICOM reader test checks ours equal them).
        var recording = DicomEcgCsv.Group0();
        var analysis = EcgInterpreter.Interpret(recording);
        var fiducials = DicomEcgCsv.RhythmRPeaks();
        AssertRPeaksNear(analysis, fiducials, recording.SamplingRateHz, output);

        // The device's own measurements: PR 161, QRS 75, QT 368 ms.
        var intervals = analysis.Intervals;
        output.WriteLine($"PR {intervals.PrMs:0} (device 161), QRS {intervals.QrsMs:0} (device 75), QT {intervals.QtMs:0} (device 368), QTc {intervals.QtcBazettMs:0} (device 370) ms; HR {analysis.HeartRateBpm:0.0}/min (RR 982 ms)");
        Assert.InRange(intervals.QrsMs!.Value, 65, 85);
        Assert.InRange(intervals.PrMs!.Value, 146, 176);
        Assert.InRange(intervals.QtMs!.Value, 353, 383);
        Assert.InRange(analysis.RR!.MedianMs, 972, 992);
    }

    internal static void AssertRPeaksNear(EcgAnalysis analysis, IReadOnlyList<int> fiducialsZeroBased, double fs, ITestOutputHelper output)
    {
        Assert.Equal(fiducialsZeroBased.Count, analysis.Beats.Count);
        for (var i = 0; i < fiducialsZeroBased.Count; i++)
        {
            var errorMs = (analysis.Beats[i].RPeak - fiducialsZeroBased[i]) * 1000 / fs;
            output.WriteLine($"R peak {i + 1}: annotated {fiducialsZeroBased[i] + 1} (1-based), detected {analysis.Beats[i].RPeak + 1}, error {errorMs:+0;-0;0} ms");
            Assert.InRange(Math.Abs(errorMs), 0, 10);
        }
    }

    [Fact]
    public void MitBih100_rate_rhythm_and_premature_beats_against_the_reference_annotations()
    {
        var recording = EcgTestData.MitBih100.ToEcgRecording();
        var analysis = EcgInterpreter.Interpret(recording);
        var annotations = EcgTestData.ReadAnnotations("100").Where(a => a.IsBeat).ToList();
        var referenceRr = annotations.Zip(annotations.Skip(1), (a, b) => (b.Sample - a.Sample) * 1000.0 / recording.SamplingRateHz).Order().ToList();
        var referenceMedian = referenceRr[referenceRr.Count / 2];
        output.WriteLine($"HR {analysis.HeartRateBpm:0.0}/min; median RR {analysis.RR!.MedianMs:0.0} ms (reference annotations {referenceMedian:0.0} ms); SDNN {analysis.RR.SdnnMs:0.0} ms, RMSSD {analysis.RR.RmssdMs:0.0} ms; {analysis.RR.NormalToNormalCount}/{analysis.RR.Count} NN");
        Assert.InRange(analysis.RR.MedianMs, referenceMedian - 3, referenceMedian + 3);

        // Premature flags against the reference A/V labels (beats matched within 150 ms).
        var ectopic = annotations.Where(a => a.Symbol is "A" or "V").Select(a => a.Sample).ToList();
        var flagged = analysis.Beats.Where(b => b.Premature).Select(b => (long)b.RPeak).ToList();
        var score = BeatMatching.Match(ectopic, flagged, recording.SamplingRateHz);
        output.WriteLine($"premature-beat flag vs annotated A/V beats: {score}");
        Assert.True(score.PositivePredictivity >= 0.9, $"premature flags are mostly not ectopic: {score}");
        Assert.Contains(analysis.Statements, s => s.Code == "PREMATURE_BEATS");
        output.WriteLine($"intervals: {analysis.Intervals}; quality: {analysis.QualityFlags}");
    }

    [Fact]
    public void Analysis_is_deterministic_despite_parallel_work()
    {
        var recording = AecgReaderTests.ReadExample();
        var first = EcgInterpreter.Interpret(recording);
        var second = EcgInterpreter.Interpret(recording);
        Assert.Equal(first.Beats, second.Beats);
        Assert.Equal(first.Intervals, second.Intervals);
        Assert.Equal(first.Quality, second.Quality);
        Assert.Equal(first.Statements, second.Statements);
    }

    [Theory]
    [InlineData(140, 20, "WITHIN_NORMAL_LIMITS", "1-3 weeks")]
    [InlineData(90, 20, "BRADYCARDIA", "1-3 weeks")]
    [InlineData(200, 200, "TACHYCARDIA", "6-12 months")]
    [InlineData(125, 3650, "TACHYCARDIA", "9-11 years")]
    [InlineData(70, 3650, "WITHIN_NORMAL_LIMITS", "9-11 years")]
    public void Heart_rate_is_judged_against_the_age_band(double bpm, int ageDays, string expectedCode, string expectedBand)
    {
        var recording = SyntheticEcg.Make(bpm);
        var analysis = EcgInterpreter.Interpret(recording, ageDaysOverride: ageDays);
        foreach (var statement in analysis.Statements)
        {
            output.WriteLine($"{statement.Severity} {statement.Code}: {statement.Text} [{statement.Range}]");
        }

        Assert.InRange(analysis.HeartRateBpm!.Value, bpm - 2, bpm + 2);
        Assert.Equal(expectedBand, analysis.NormalLimits.AgeBand);
        var match = Assert.Single(analysis.Statements, s => s.Code == expectedCode);
        Assert.NotNull(match.Range);
        Assert.Contains(expectedBand, match.Range!.AgeBand, StringComparison.Ordinal);
        Assert.Equal(PediatricEcgNorms.DavignonSource, match.Range.Source);
    }

    [Fact]
    public void Age_comes_from_birth_date_and_acquisition_time()
    {
        var subject = new EcgSubject { BirthDate = new DateOnly(2026, 1, 1), Sex = Sex.Female };
        var recording = SyntheticEcg.Make(150, subject: subject, time: new DateTimeOffset(2026, 1, 11, 8, 0, 0, TimeSpan.Zero));
        var analysis = EcgInterpreter.Interpret(recording);
        Assert.Equal(10, analysis.AgeDays);
        Assert.Equal("1-3 weeks", analysis.NormalLimits.AgeBand);
        Assert.DoesNotContain(analysis.Statements, s => s.Code == "AGE_UNKNOWN");
    }

    [Fact]
    public void Unknown_age_uses_adult_limits_and_says_so()
    {
        var analysis = EcgInterpreter.Interpret(SyntheticEcg.Make(75));
        Assert.Null(analysis.AgeDays);
        Assert.Equal(">16 years", analysis.NormalLimits.AgeBand);
        Assert.Contains(analysis.Statements, s => s.Code == "AGE_UNKNOWN" && s.Severity == StatementSeverity.Technical);
    }

    [Fact]
    public void Disconnected_lead_is_flagged_and_ignored_by_the_detector()
    {
        var recording = SyntheticEcg.WithLead(SyntheticEcg.Make(100), 1, x => new float[x.Length]);
        var analysis = EcgInterpreter.Interpret(recording, ageDaysOverride: 3000);
        var lead = analysis.Quality.Single(q => q.Lead == "V2");
        Assert.True(lead.Flags.HasFlag(LeadQualityFlags.LeadOff));
        Assert.Equal(LeadQualityFlags.None, analysis.Quality.Single(q => q.Lead == "II").Flags);
        Assert.InRange(analysis.HeartRateBpm!.Value, 98, 102);
        Assert.Contains(analysis.Statements, s => s.Code == "SIGNAL_QUALITY" && s.Text.Contains("V2", StringComparison.Ordinal));
    }

    [Fact]
    public void Clipped_noisy_and_drifting_leads_are_flagged()
    {
        var clean = SyntheticEcg.Make(80, seconds: 20);
        var fs = clean.SamplingRateHz;
        var clipped = SyntheticEcg.WithLead(clean, 0, x => x.Select(v => Math.Min(v, 200f)).ToArray());
        var noisy = SyntheticEcg.WithLead(clean, 0, x => x.Select((v, i) => v + (float)(120 * Math.Sin(2 * Math.PI * 50 * i / fs))).ToArray());
        var drifting = SyntheticEcg.WithLead(clean, 0, x => x.Select((v, i) => v + (float)(1500 * Math.Sin(2 * Math.PI * 0.15 * i / fs))).ToArray());

        Assert.Equal(LeadQualityFlags.None, EcgInterpreter.Interpret(clean).QualityFlags);
        Assert.True(EcgInterpreter.Interpret(clipped).Quality[0].Flags.HasFlag(LeadQualityFlags.Saturation));
        Assert.True(EcgInterpreter.Interpret(noisy).Quality[0].Flags.HasFlag(LeadQualityFlags.Noise));
        Assert.True(EcgInterpreter.Interpret(drifting).Quality[0].Flags.HasFlag(LeadQualityFlags.BaselineWander));
    }

    [Fact]
    public void Flat_recording_reports_no_rhythm_instead_of_crashing()
    {
        var flat = new EcgRecording(500, [new EcgLead("II", new float[5000])]);
        var analysis = EcgInterpreter.Interpret(flat, ageDaysOverride: 100);
        Assert.Empty(analysis.Beats);
        Assert.Null(analysis.HeartRateBpm);
        Assert.Contains(analysis.Statements, s => s.Code == "NO_RHYTHM" && s.Severity == StatementSeverity.Critical);
    }

    [Fact]
    public void Very_short_recording_is_reported_as_too_short_not_as_asystole()
    {
        var analysis = EcgInterpreter.Interpret(SyntheticEcg.Make(120, seconds: 1.5), ageDaysOverride: 400);
        Assert.Null(analysis.Intervals.QrsMs);
        Assert.Contains(analysis.Statements, s => s.Code == "RECORDING_TOO_SHORT" && s.Severity == StatementSeverity.Technical);
        Assert.DoesNotContain(analysis.Statements, s => s.Severity == StatementSeverity.Critical);
    }

    [Theory]
    [InlineData(400, 1000, 400, 400)]
    [InlineData(360, 640, 450, 417.7)]
    [InlineData(400, 512, 559.0, 500)]
    public void Qtc_formulas(double qt, double rr, double bazett, double fridericia)
    {
        Assert.Equal(bazett, EcgInterpreter.QtcBazett(qt, rr), 1);
        Assert.Equal(fridericia, EcgInterpreter.QtcFridericia(qt, rr), 1);
    }

    [Theory]
    [InlineData(0, "0-7 days")]
    [InlineData(6, "0-7 days")]
    [InlineData(7, "1-3 weeks")]
    [InlineData(29, "1-3 weeks")]
    [InlineData(30, "1-6 months")]
    [InlineData(180, "6-12 months")]
    [InlineData(365, "1-3 years")]
    [InlineData(1460, "4-5 years")]
    [InlineData(6204, "12-16 years")]
    [InlineData(6205, ">16 years")]
    public void Norm_table_bands_are_contiguous(int ageDays, string band)
    {
        Assert.Equal(band, PediatricEcgNorms.For(ageDays).AgeBand);
    }

    [Fact]
    public void Norm_table_covers_every_age_once_and_is_plausible()
    {
        var table = PediatricEcgNorms.Table;
        Assert.Equal(0, table[0].FromDays);
        for (var i = 1; i < table.Count; i++)
        {
            Assert.Equal(table[i - 1].ToDaysExclusive, table[i].FromDays);
        }

        Assert.All(table, b => Assert.True(b.HeartRateLow < b.HeartRateHigh && b.PrLowMs < b.PrHighMs));
        Assert.Equal(460, PediatricEcgNorms.For(null, Sex.Female).QtcBazettUpperMs);
        Assert.Equal(450, PediatricEcgNorms.For(null, Sex.Male).QtcBazettUpperMs);
    }
}

/// <summary>The pydicom decode of waveform_ecg.dcm and its annotated fiducials (derived CSVs).</summary>
internal static class DicomEcgCsv
{
    public const string Group0Path = "ecg/derived/waveform_ecg_dcm_group0_uV.csv";

    public static EcgRecording Group0()
    {
        var names = File.ReadLines(TestData.File(Group0Path)).First().Split(',').Skip(1).ToArray();
        var rows = EcgTestData.Csv(Group0Path).ToList();
        var leads = names.Select((n, i) => new EcgLead(LeadNames.Normalize(n), rows.Select(r => (float)EcgTestData.Number(r[i + 1])).ToArray())).ToList();
        return new EcgRecording(1000, leads);
    }

    /// <summary>Rhythm R peaks, 0-based (the file is 1-based); the median-beat fiducial (position 501) is left out.</summary>
    public static IReadOnlyList<int> RhythmRPeaks() =>
        EcgTestData.Csv("ecg/derived/waveform_ecg_dcm_fiducials.csv")
            .Where(r => r[2] == "Fiducial Point")
            .Select(r => int.Parse(r[3], CultureInfo.InvariantCulture) - 1)
            .Skip(1)
            .ToList();
}
