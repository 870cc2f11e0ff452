using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Testing;
using Xunit.Abstractions;

namespace VNCH.Network.Signals.Tests.Ecg;

public sealed class ScratchTests(ITestOutputHelper output)
{
    [Fact]
    public void Explore()
    {
        using var s = File.OpenRead(TestData.File("ecg/hl7-aecg/Example_aECG.xml"));
        var aecg = AecgReader.Read(s);
        Report("aECG", aecg);
        var rows = EcgTestData.Csv("ecg/derived/waveform_ecg_dcm_group0_uV.csv").ToList();
        var names = File.ReadLines(TestData.File("ecg/derived/waveform_ecg_dcm_group0_uV.csv")).First().Split(',').Skip(1).ToArray();
        var leads = names.Select((n, i) => new EcgLead(LeadNames.Normalize(n), rows.Select(r => (float)EcgTestData.Number(r[i + 1])).ToArray())).ToList();
        Report("DICOM", new EcgRecording(1000, leads));
        Report("MIT", EcgTestData.MitBih100.ToEcgRecording());
    }

    private void Report(string name, EcgRecording rec)
    {
        var peaks = QrsDetector.Detect(rec);
        output.WriteLine($"{name}: fs {rec.SamplingRateHz} leads {string.Join(' ', rec.Leads.Select(l => l.Name))} n {rec.SampleCount} subj {rec.Subject} t {rec.AcquisitionTime}");
        output.WriteLine($"  peaks({peaks.Count}): {string.Join(' ', peaks.Take(14))}");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var a = EcgAnalyzer.Analyze(rec);
        output.WriteLine($"  analyze {sw.ElapsedMilliseconds} ms HR {a.HeartRateBpm} rhythm {a.Rhythm} RR {a.RR} intervals {a.Intervals} flags {a.QualityFlags}");
        foreach (var st in a.Statements) output.WriteLine($"  - {st.Severity} {st.Code}: {st.Text}");
        foreach (var q in a.Quality) output.WriteLine($"  q {q}");
        output.WriteLine("  per-beat QRS: " + string.Join(' ', a.Beats.Take(14).Select(b => $"{b.QrsOnset}-{b.QrsOffset}({b.QrsDurationMs(rec.SamplingRateHz):0})")));
        var beat = a.RepresentativeBeat!;
        var r = beat.RPeakIndex;
        output.WriteLine($"  beats {beat.BeatsAveraged} P {beat.POnset - r} Ppk {beat.PPeak - r} QRSon {beat.QrsOnset - r} QRSoff {beat.QrsOffset - r} Tpk {beat.TPeak - r} Tend {beat.TEnd - r}");
        output.WriteLine($"  QRS {beat.Milliseconds(beat.QrsOnset, beat.QrsOffset)} ms PR {(beat.POnset is { } p ? beat.Milliseconds(p, beat.QrsOnset) : double.NaN)} QT {(beat.TEnd is { } t ? beat.Milliseconds(beat.QrsOnset, t) : double.NaN)}");
    }
}
