namespace VNCH.Network.Signals.Ecg.Analysis;

/// <summary>Technical problems of one lead. Several can be present at once.</summary>
[Flags]
public enum LeadQualityFlags
{
    None = 0,

    /// <summary>At least 2 s with under 20 µV peak to peak: no cardiac signal in that stretch.</summary>
    FlatLine = 1,

    /// <summary>The signal sits at its extreme value for runs of 20 ms or more: the amplifier or ADC clipped.</summary>
    Saturation = 2,

    /// <summary>The slow (&lt; 0.5 Hz) component swings more than 1 mV within a 10 s window.</summary>
    BaselineWander = 4,

    /// <summary>High-frequency activity outside the QRS (muscle, mains) above 30 µV RMS.</summary>
    Noise = 8,

    /// <summary>Flat for most of the recording: the electrode is most likely disconnected.</summary>
    LeadOff = 16,
}

/// <summary>Quality verdict for one lead, with the figures behind it.</summary>
public sealed record LeadQuality(string Lead, LeadQualityFlags Flags, double FlatFraction, double SaturatedFraction, double BaselineWanderMicrovolts, double NoiseMicrovoltsRms);

/// <summary>
/// Signal-quality checks that decide whether the measurements can be trusted. The thresholds are engineering
/// choices (documented in docs/ecg.md), in the spirit of the PhysioNet/CinC 2011 signal-quality challenge
/// features (flat line, saturation, baseline drift, high-frequency noise): conservative, so a flag means a
/// clinician should look at the trace.
/// </summary>
public static class SignalQuality
{
    public const double FlatPeakToPeakMicrovolts = 20;
    public const double FlatWindowSeconds = 2;
    public const double LeadOffFlatFraction = 0.8;
    public const double SaturationRunSeconds = 0.020;
    public const double SaturationFraction = 0.001;
    public const double BaselineWanderLimitMicrovolts = 1000;
    public const double NoiseLimitMicrovoltsRms = 30;

    public static IReadOnlyList<LeadQuality> Assess(EcgRecording recording, IReadOnlyList<int> rPeaks)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(rPeaks);
        var result = new LeadQuality[recording.Leads.Count];
        Parallel.For(0, result.Length, i => result[i] = AssessLead(recording.Leads[i], recording.SamplingRateHz, rPeaks));
        return result;
    }

    /// <summary>True when the lead is flat for most of the recording (electrode most likely disconnected).</summary>
    public static bool IsLeadOff(float[] samples, double fs) => FlatFraction(samples, fs) >= LeadOffFlatFraction;

    private static LeadQuality AssessLead(EcgLead lead, double fs, IReadOnlyList<int> rPeaks)
    {
        var x = lead.Microvolts;
        var flags = LeadQualityFlags.None;
        var flat = FlatFraction(x, fs);
        if (flat >= LeadOffFlatFraction)
        {
            flags |= LeadQualityFlags.LeadOff | LeadQualityFlags.FlatLine;
        }
        else if (flat > 0)
        {
            flags |= LeadQualityFlags.FlatLine;
        }

        var saturated = SaturatedFraction(x, fs);
        if (saturated >= SaturationFraction)
        {
            flags |= LeadQualityFlags.Saturation;
        }

        var wander = BaselineWander(x, fs);
        if (wander > BaselineWanderLimitMicrovolts)
        {
            flags |= LeadQualityFlags.BaselineWander;
        }

        var noise = (flags & LeadQualityFlags.LeadOff) != 0 ? 0 : NoiseRms(x, fs, rPeaks);
        if (noise > NoiseLimitMicrovoltsRms)
        {
            flags |= LeadQualityFlags.Noise;
        }

        return new LeadQuality(lead.Name, flags, flat, saturated, wander, noise);
    }

    // Fraction of the record covered by non-overlapping 2 s windows whose peak-to-peak is below 20 µV.
    private static double FlatFraction(float[] x, double fs)
    {
        var window = Math.Max(1, (int)(FlatWindowSeconds * fs));
        if (x.Length < window)
        {
            return PeakToPeak(x, 0, x.Length) < FlatPeakToPeakMicrovolts ? 1 : 0;
        }

        var windows = 0;
        var flat = 0;
        for (var start = 0; start + window <= x.Length; start += window)
        {
            windows++;
            if (PeakToPeak(x, start, window) < FlatPeakToPeakMicrovolts)
            {
                flat++;
            }
        }

        return (double)flat / windows;
    }

    private static double PeakToPeak(float[] x, int start, int length)
    {
        float min = float.MaxValue, max = float.MinValue;
        for (var i = start; i < start + length; i++)
        {
            min = Math.Min(min, x[i]);
            max = Math.Max(max, x[i]);
        }

        return length == 0 ? 0 : max - min;
    }

    // Samples inside runs (≥ 20 ms) pinned at the lead's global minimum or maximum.
    private static double SaturatedFraction(float[] x, double fs)
    {
        if (x.Length == 0)
        {
            return 0;
        }

        float min = float.MaxValue, max = float.MinValue;
        foreach (var v in x)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        if (max - min < FlatPeakToPeakMicrovolts)
        {
            return 0; // a flat lead is reported as flat, not as clipped
        }

        var minRun = Math.Max(2, (int)(SaturationRunSeconds * fs));
        long pinned = 0;
        var run = 0;
        float runValue = float.NaN;
        for (var i = 0; i <= x.Length; i++)
        {
            if (i < x.Length && (x[i] == max || x[i] == min) && (run == 0 || x[i] == runValue))
            {
                runValue = x[i];
                run++;
                continue;
            }

            if (run >= minRun)
            {
                pinned += run;
            }

            run = i < x.Length && (x[i] == max || x[i] == min) ? 1 : 0;
            runValue = i < x.Length ? x[i] : float.NaN;
        }

        return (double)pinned / x.Length;
    }

    // Largest 10 s swing of the < 0.5 Hz component, computed on ~50 Hz block means (the slow part needs no more).
    private static double BaselineWander(float[] x, double fs)
    {
        var block = Math.Max(1, (int)(fs / 50));
        var slow = new float[(x.Length + block - 1) / block];
        for (var b = 0; b < slow.Length; b++)
        {
            var from = b * block;
            var to = Math.Min(x.Length, from + block);
            double sum = 0;
            for (var i = from; i < to; i++)
            {
                sum += x[i];
            }

            slow[b] = (float)(sum / (to - from));
        }

        var rate = fs / block;
        Filters.LowPassZeroPhase(slow, 0.5, rate);
        var window = Math.Max(1, (int)(10 * rate));
        double worst = 0;
        for (var start = 0; start < slow.Length; start += window)
        {
            var length = Math.Min(window, slow.Length - start);
            worst = Math.Max(worst, PeakToPeak(slow, start, length));
        }

        return worst;
    }

    // RMS of what a 40 ms moving average removes, outside ±80 ms of every R peak (QRS content is legitimately fast).
    private static double NoiseRms(float[] x, double fs, IReadOnlyList<int> rPeaks)
    {
        var half = Math.Max(3, (int)(0.040 * fs)) / 2;
        var exclude = (int)(0.080 * fs);
        double windowSum = 0, sum = 0;
        long count = 0;
        int lo = 0, hi = -1, beat = 0;
        for (var i = 0; i < x.Length; i++)
        {
            // Running centred mean over [i − half, i + half].
            while (hi < Math.Min(x.Length - 1, i + half))
            {
                windowSum += x[++hi];
            }

            while (lo < i - half)
            {
                windowSum -= x[lo++];
            }

            while (beat < rPeaks.Count && rPeaks[beat] + exclude < i)
            {
                beat++;
            }

            if (beat < rPeaks.Count && Math.Abs(rPeaks[beat] - i) <= exclude)
            {
                continue;
            }

            var d = x[i] - (windowSum / (hi - lo + 1));
            sum += d * d;
            count++;
        }

        return count == 0 ? 0 : Math.Sqrt(sum / count);
    }
}
