namespace VNCH.Network.Signals.Ecg.Analysis;

/// <summary>
/// The few DSP building blocks the analysers need, designed for the record's own sampling rate (Pan–Tompkins'
/// integer filters assume 200 Hz; hospitals send 250–1000 Hz). Second-order Butterworth sections follow the
/// bilinear-transform formulas of R. Bristow-Johnson's "Audio EQ Cookbook" with Q = 1/√2.
/// </summary>
internal static class Filters
{
    /// <summary>Butterworth high-pass run forward and backward: zero phase, so wave timing is not shifted.</summary>
    public static void HighPassZeroPhase(Span<float> signal, double cutoffHz, double samplingRateHz) =>
        ZeroPhase(signal, Biquad.HighPass(cutoffHz, samplingRateHz));

    /// <summary>Butterworth low-pass run forward and backward (zero phase).</summary>
    public static void LowPassZeroPhase(Span<float> signal, double cutoffHz, double samplingRateHz)
    {
        // Above ~0.45·fs the design degenerates; such a low-pass would do nothing anyway.
        if (cutoffHz < 0.45 * samplingRateHz)
        {
            ZeroPhase(signal, Biquad.LowPass(cutoffHz, samplingRateHz));
        }
    }

    /// <summary>
    /// High-pass then low-pass, run forward and backward as one cascade (zero phase; same response as filtering
    /// with each section forward and backward). One pass over memory per direction, and the two recursions
    /// overlap in the CPU.
    /// </summary>
    public static void BandPassZeroPhase(Span<float> signal, double lowCutHz, double highCutHz, double samplingRateHz)
    {
        if (signal.Length == 0)
        {
            return;
        }

        if (highCutHz >= 0.45 * samplingRateHz)
        {
            HighPassZeroPhase(signal, lowCutHz, samplingRateHz);
            return;
        }

        var high = Biquad.HighPass(lowCutHz, samplingRateHz);
        var low = Biquad.LowPass(highCutHz, samplingRateHz);
        Biquad.RunCascade(high, low, signal, reverse: false);
        Biquad.RunCascade(high, low, signal, reverse: true);
    }

    /// <summary>Centred moving average of odd width (in samples), edges averaged over the part that exists.</summary>
    public static float[] MovingAverage(ReadOnlySpan<float> signal, int width)
    {
        var half = Math.Max(width / 2, 0);
        var result = new float[signal.Length];
        double sum = 0;
        int lo = 0, hi = -1;
        for (var i = 0; i < signal.Length; i++)
        {
            var wantHi = Math.Min(signal.Length - 1, i + half);
            var wantLo = Math.Max(0, i - half);
            while (hi < wantHi)
            {
                sum += signal[++hi];
            }

            while (lo < wantLo)
            {
                sum -= signal[lo++];
            }

            result[i] = (float)(sum / (hi - lo + 1));
        }

        return result;
    }

    private static void ZeroPhase(Span<float> signal, Biquad filter)
    {
        if (signal.Length == 0)
        {
            return;
        }

        filter.Run(signal, reverse: false);
        filter.Run(signal, reverse: true);
    }

    private readonly record struct Biquad(double B0, double B1, double B2, double A1, double A2)
    {
        public static Biquad LowPass(double cutoffHz, double fs)
        {
            var (cos, alpha) = Prewarp(cutoffHz, fs);
            var a0 = 1 + alpha;
            return new Biquad((1 - cos) / 2 / a0, (1 - cos) / a0, (1 - cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
        }

        public static Biquad HighPass(double cutoffHz, double fs)
        {
            var (cos, alpha) = Prewarp(cutoffHz, fs);
            var a0 = 1 + alpha;
            return new Biquad((1 + cos) / 2 / a0, -(1 + cos) / a0, (1 + cos) / 2 / a0, -2 * cos / a0, (1 - alpha) / a0);
        }

        private static (double Cos, double Alpha) Prewarp(double cutoffHz, double fs)
        {
            var w0 = 2 * Math.PI * cutoffHz / fs;
            return (Math.Cos(w0), Math.Sin(w0) / (2 * Math.Sqrt(0.5)));
        }

        /// <summary>Two sections in series in one loop, each started at its steady state for the first sample.</summary>
        public static void RunCascade(Biquad a, Biquad b, Span<float> x, bool reverse)
        {
            var n = x.Length;
            double first = reverse ? x[n - 1] : x[0];
            var (a1z1, a1z2) = a.SteadyState(first);
            var (b1z1, b1z2) = b.SteadyState(first * a.DcGain);
            double ab0 = a.B0, ab1 = a.B1, ab2 = a.B2, aa1 = a.A1, aa2 = a.A2;
            double bb0 = b.B0, bb1 = b.B1, bb2 = b.B2, ba1 = b.A1, ba2 = b.A2;
            var start = reverse ? n - 1 : 0;
            var step = reverse ? -1 : 1;
            for (int k = 0, i = start; k < n; k++, i += step)
            {
                double input = x[i];
                var middle = (ab0 * input) + a1z1;
                a1z1 = (ab1 * input) - (aa1 * middle) + a1z2;
                a1z2 = (ab2 * input) - (aa2 * middle);
                var output = (bb0 * middle) + b1z1;
                b1z1 = (bb1 * middle) - (ba1 * output) + b1z2;
                b1z2 = (bb2 * middle) - (ba2 * output);
                x[i] = (float)output;
            }
        }

        private double DcGain => (B0 + B1 + B2) / (1 + A1 + A2);

        private (double Z1, double Z2) SteadyState(double input)
        {
            var output = input * DcGain;
            return (output - (B0 * input), (B2 * input) - (A2 * output));
        }

        /// <summary>Direct form II transposed; the state starts at the first sample's steady state to avoid an edge transient.</summary>
        public void Run(Span<float> x, bool reverse)
        {
            var n = x.Length;
            var (z1, z2) = SteadyState(reverse ? x[n - 1] : x[0]);
            double b0 = B0, b1 = B1, b2 = B2, a1 = A1, a2 = A2;
            var start = reverse ? n - 1 : 0;
            var step = reverse ? -1 : 1;
            for (int k = 0, i = start; k < n; k++, i += step)
            {
                double input = x[i];
                var output = (b0 * input) + z1;
                z1 = (b1 * input) - (a1 * output) + z2;
                z2 = (b2 * input) - (a2 * output);
                x[i] = (float)output;
            }
        }
    }
}
