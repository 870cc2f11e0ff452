using VNCH.Network.Signals.Ecg;

namespace VNCH.Network.Signals.Tests.Ecg;

/// <summary>
/// Synthetic ECG made here (sum-of-Gaussians beat model in the spirit of McSharry et al., IEEE TBME 2003), for
/// rules that need a known rate or a known defect. Not a substitute for the real recordings.
/// </summary>
internal static class SyntheticEcg
{
    public static EcgRecording Make(double heartRateBpm, double seconds = 10, double fs = 500, int leads = 2, EcgSubject? subject = null, DateTimeOffset? time = null)
    {
        var n = (int)(seconds * fs);
        var rr = 60.0 / heartRateBpm;
        var beat = new float[n];
        for (var r = 0.3; r < seconds; r += rr)
        {
            // Child-sized beat: QRS about 60 ms, PR and QT scaled with the RR interval.
            AddWave(beat, fs, r - (0.12 * Math.Sqrt(rr)), 0.018, 120); // P
            AddWave(beat, fs, r - 0.016, 0.005, -120);                // Q
            AddWave(beat, fs, r, 0.006, 1200);                        // R
            AddWave(beat, fs, r + 0.016, 0.005, -250);                // S
            AddWave(beat, fs, r + (0.22 * Math.Sqrt(rr)), 0.035, 300); // T
        }

        var list = Enumerable.Range(0, leads).Select(i => new EcgLead(i == 0 ? "II" : $"V{i + 1}", beat.Select(v => v * (1 - (0.2f * i))).ToArray())).ToList();
        return new EcgRecording(fs, list, subject, time, "synthetic");
    }

    public static EcgRecording WithLead(EcgRecording recording, int index, Func<float[], float[]> change)
    {
        var leads = recording.Leads.Select((l, i) => i == index ? l with { Microvolts = change((float[])l.Microvolts.Clone()) } : l).ToList();
        return new EcgRecording(recording.SamplingRateHz, leads, recording.Subject, recording.AcquisitionTime, recording.Source);
    }

    private static void AddWave(float[] x, double fs, double centre, double width, double amplitude)
    {
        var from = Math.Max(0, (int)((centre - (5 * width)) * fs));
        var to = Math.Min(x.Length - 1, (int)((centre + (5 * width)) * fs));
        for (var i = from; i <= to; i++)
        {
            var t = (i / fs) - centre;
            x[i] += (float)(amplitude * Math.Exp(-t * t / (2 * width * width)));
        }
    }
}
