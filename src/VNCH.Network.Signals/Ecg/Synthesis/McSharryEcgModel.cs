using System.Numerics;

namespace VNCH.Network.Signals.Ecg.Synthesis;

/// <summary>What to synthesise: mean rate, its variability, respiration and length.</summary>
public sealed record EcgSynthesisOptions
{
    /// <summary>Mean heart rate of the RR tachogram (beats per minute).</summary>
    public required double HeartRateBpm { get; init; }

    /// <summary>Standard deviation of the heart rate (bpm), as ECGSYN's <c>hrstd</c>.</summary>
    public double HeartRateStdBpm { get; init; } = 1;

    /// <summary>Respiratory rate (breaths per minute): the high-frequency peak of the RR spectrum and the baseline wander.</summary>
    public double RespiratoryRatePerMinute { get; init; } = 15;

    /// <summary>Ratio of low- to high-frequency power of the RR spectrum (ECGSYN default 0.5).</summary>
    public double LfHfRatio { get; init; } = 0.5;

    public double DurationSeconds { get; init; } = 10;

    public double SamplingRateHz { get; init; } = 500;

    /// <summary>Internal integration rate: a multiple of <see cref="SamplingRateHz"/> (ECGSYN integrates faster than it samples).</summary>
    public int OversamplingFactor { get; init; } = 2;

    /// <summary>Standard deviation of white measurement noise (microvolts).</summary>
    public double NoiseMicrovolts { get; init; } = 8;

    /// <summary>Peak R amplitude of the largest lead (microvolts); the model's units are relative.</summary>
    public double PeakRMicrovolts { get; init; } = 1500;
}

/// <summary>
/// One Gaussian event of the model (P, Q, R, S or T) in the three orthogonal (Frank X, Y, Z) directions: its angle on the
/// limit cycle (radians, R at 0), width (radians) and amplitude per direction.
/// </summary>
public sealed record GaussianWave(string Name, double ThetaRadians, double WidthRadians, double AmplitudeX, double AmplitudeY, double AmplitudeZ);

/// <summary>The synthesised ECG with its ground truth.</summary>
public sealed record SyntheticEcgResult(EcgRecording Recording, IReadOnlyList<double> RrIntervalsSeconds, IReadOnlyList<double> RPeakTimesSeconds)
{
    /// <summary>60 / mean RR of the beats inside the recording.</summary>
    public double MeanHeartRateBpm => 60 / RrIntervalsSeconds.Average();
}

/// <summary>
/// ECGSYN: McSharry PE, Clifford GD, Tarassenko L, Smith LA. "A dynamical model for generating synthetic
/// electrocardiogram signals." IEEE Trans Biomed Eng 2003;50(3):289–294. A point (x, y) circles an attracting unit limit
/// cycle with angular velocity ω(t) = 2π / RR(t) taken from an RR tachogram with a bimodal (Mayer-wave and respiratory)
/// spectrum; z is pushed by five Gaussian events at fixed angles:
/// ẋ = αx − ωy, ẏ = αy + ωx, α = 1 − √(x² + y²), ż = −Σ aᵢ Δθᵢ exp(−Δθᵢ² / 2bᵢ²) − (z − z₀(t)),
/// integrated with fourth-order Runge–Kutta. The multichannel extension of Sameni R, Clifford GD, Jutten C, Shamsollahi
/// MB ("Multichannel ECG and noise modeling: application to maternal and fetal ECG signals", EURASIP J Adv Signal
/// Process 2007:043407) gives each event an amplitude per orthogonal direction (a dipole, the vectorcardiogram); the 12
/// leads are its projection with Dower's transform (Dower GE et al., J Electrocardiol 1988;21 Suppl:S182–S187), and III,
/// aVR, aVL, aVF follow from Einthoven's and Goldberger's relations. Deterministic for a seed.
/// </summary>
public static class McSharryEcgModel
{
    /// <summary>
    /// The default dipole: ECGSYN's angles (−70°, −15°, 0°, 15°, 100°) and widths (0.25, 0.1, 0.1, 0.1, 0.4 rad), with
    /// per-direction amplitudes chosen so that the frontal QRS axis is near +60° and V1 shows an rS, V5–V6 a qR (a child's
    /// rather than an infant's precordial pattern); amplitudes in the model's relative units.
    /// </summary>
    public static IReadOnlyList<GaussianWave> DefaultWaves { get; } =
    [
        new("P", Deg(-70), 0.25, 0.6, 0.9, 0.15),
        new("Q", Deg(-15), 0.10, -2.0, -1.0, -3.0),
        new("R", Deg(0), 0.10, 22, 20, 6),
        new("S", Deg(15), 0.10, -3.0, -6.0, 10),
        new("T", Deg(100), 0.40, 0.55, 0.4, -0.35),
    ];

    // Dower's transform from Frank X, Y, Z to I, II, V1–V6 (rows) — Dower GE, Machado HB, Osborne JA. On deriving the
    // electrocardiogram from vectorcardiographic leads. Clin Cardiol 1980;3:87–95; and Dower et al. 1988.
    private static readonly (string Lead, double X, double Y, double Z)[] Dower =
    [
        ("I", 0.632, -0.235, 0.059),
        ("II", 0.235, 1.066, -0.132),
        ("V1", -0.515, 0.157, -0.917),
        ("V2", 0.044, 0.164, -1.387),
        ("V3", 0.882, 0.098, -1.277),
        ("V4", 1.213, 0.127, -0.601),
        ("V5", 1.125, 0.127, -0.086),
        ("V6", 0.831, 0.076, 0.230),
    ];

    /// <summary>Generates a 12-lead ECG (I, II, III, aVR, aVL, aVF, V1–V6, microvolts).</summary>
    public static SyntheticEcgResult Generate(EcgSynthesisOptions options, int seed, IReadOnlyList<GaussianWave>? waves = null, EcgSubject? subject = null, DateTimeOffset? acquisitionTime = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.HeartRateBpm is > 20 and < 300) || !(options.DurationSeconds > 0) || !(options.SamplingRateHz > 0) || options.OversamplingFactor < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Heart rate must be 20–300 bpm, duration and sampling rate positive, oversampling at least 1.");
        }

        waves ??= DefaultWaves;
        var random = new Random(seed);
        var fsInternal = options.SamplingRateHz * options.OversamplingFactor;
        var samples = (int)Math.Round(options.DurationSeconds * options.SamplingRateHz);
        var steps = samples * options.OversamplingFactor;

        // ECGSYN adapts the event angles and widths to the mean rate (systole shortens less than diastole).
        var hrFactor = Math.Sqrt(options.HeartRateBpm / 60);
        var hrFactor2 = Math.Sqrt(hrFactor);
        double[] angleFactor = [hrFactor2, hrFactor, 1, hrFactor, hrFactor2];
        var adapted = waves.Select((w, i) => w with
        {
            ThetaRadians = w.ThetaRadians * (waves.Count == 5 ? angleFactor[i] : 1),
            WidthRadians = w.WidthRadians * hrFactor,
        }).ToArray();

        // Start half a beat before an R so the record opens in diastole; leave 2 s of tachogram to spare.
        var rr = RrTachogram(options, options.DurationSeconds + 2 + 60 / options.HeartRateBpm, random);
        var rrAt = RrSchedule(rr, fsInternal, steps + 1);

        var respiration = options.RespiratoryRatePerMinute / 60;
        var state = new double[5]; // x, y, zX, zY, zZ
        var start = Math.PI; // phase: opposite the R wave
        state[0] = Math.Cos(start);
        state[1] = Math.Sin(start);
        var dt = 1 / fsInternal;
        var vcg = new double[3][];
        for (var d = 0; d < 3; d++)
        {
            vcg[d] = new double[samples];
        }

        var peaks = new List<double>();
        var previousPhase = Math.Atan2(state[1], state[0]);
        var k1 = new double[5];
        var k2 = new double[5];
        var k3 = new double[5];
        var k4 = new double[5];
        var tmp = new double[5];
        for (var step = 0; step < steps; step++)
        {
            var t = step * dt;
            if (step % options.OversamplingFactor == 0)
            {
                var i = step / options.OversamplingFactor;
                vcg[0][i] = state[2];
                vcg[1][i] = state[3];
                vcg[2][i] = state[4];
            }

            var omega = 2 * Math.PI / rrAt[step];
            Derivatives(t, state, omega, adapted, respiration, k1);
            Combine(state, k1, dt / 2, tmp);
            Derivatives(t + (dt / 2), tmp, omega, adapted, respiration, k2);
            Combine(state, k2, dt / 2, tmp);
            Derivatives(t + (dt / 2), tmp, omega, adapted, respiration, k3);
            Combine(state, k3, dt, tmp);
            Derivatives(t + dt, tmp, omega, adapted, respiration, k4);
            for (var j = 0; j < 5; j++)
            {
                state[j] += dt / 6 * (k1[j] + (2 * k2[j]) + (2 * k3[j]) + k4[j]);
            }

            // The R event sits at phase 0: a crossing from negative to positive phase is an R peak.
            var phase = Math.Atan2(state[1], state[0]);
            if (previousPhase < 0 && phase >= 0 && previousPhase > -Math.PI / 2)
            {
                var fraction = -previousPhase / (phase - previousPhase);
                peaks.Add(t + (fraction * dt));
            }

            previousPhase = phase;
        }

        var leads = Project(vcg, options, random);
        var recording = new EcgRecording(options.SamplingRateHz, leads, subject, acquisitionTime, "ECGSYN (McSharry et al. 2003)");
        var intervals = peaks.Zip(peaks.Skip(1), (a, b) => b - a).ToList();
        return new SyntheticEcgResult(recording, intervals, peaks);
    }

    private static void Derivatives(double t, double[] s, double omega, GaussianWave[] waves, double respirationHz, double[] result)
    {
        var alpha = 1 - Math.Sqrt((s[0] * s[0]) + (s[1] * s[1]));
        result[0] = (alpha * s[0]) - (omega * s[1]);
        result[1] = (alpha * s[1]) + (omega * s[0]);
        var theta = Math.Atan2(s[1], s[0]);
        double fx = 0, fy = 0, fz = 0;
        foreach (var w in waves)
        {
            var d = WrapToPi(theta - w.ThetaRadians);
            var g = d * Math.Exp(-0.5 * (d / w.WidthRadians) * (d / w.WidthRadians));
            fx += w.AmplitudeX * g;
            fy += w.AmplitudeY * g;
            fz += w.AmplitudeZ * g;
        }

        // z0: the respiratory baseline wander of ECGSYN (0.005 sin 2π f t), in the inferior direction mostly.
        var baseline = 0.005 * Math.Sin(2 * Math.PI * respirationHz * t);
        result[2] = -fx - (s[2] - (0.4 * baseline));
        result[3] = -fy - (s[3] - baseline);
        result[4] = -fz - (s[4] - (0.2 * baseline));
    }

    private static void Combine(double[] state, double[] slope, double h, double[] result)
    {
        for (var j = 0; j < state.Length; j++)
        {
            result[j] = state[j] + (h * slope[j]);
        }
    }

    private static double WrapToPi(double angle)
    {
        var wrapped = Math.IEEERemainder(angle, 2 * Math.PI);
        return wrapped <= -Math.PI ? wrapped + (2 * Math.PI) : wrapped;
    }

    private static double Deg(double degrees) => degrees * Math.PI / 180;

    /// <summary>
    /// ECGSYN's rrprocess: a spectrum of two Gaussians (Mayer waves at 0.1 Hz, respiration at the breathing rate, sd 0.01 Hz
    /// each, power ratio LF/HF), random phases, inverse FFT, then scaled to the mean and standard deviation of RR.
    /// Sampled at 1 Hz as ECGSYN's default tachogram rate.
    /// </summary>
    private static double[] RrTachogram(EcgSynthesisOptions options, double seconds, Random random)
    {
        const double SamplingHz = 1;
        var n = 1;
        while (n < seconds * SamplingHz * 4)
        {
            n *= 2;
        }

        const double lowFrequency = 0.1, lowStd = 0.01, highStd = 0.01;
        var highFrequency = Math.Min(options.RespiratoryRatePerMinute / 60, 0.45); // below the tachogram's Nyquist frequency
        var sigmaHigh = 1.0;
        var sigmaLow = options.LfHfRatio;
        var spectrum = new Complex[n];
        for (var k = 0; k <= n / 2; k++)
        {
            var f = k * SamplingHz / n;
            var power = (sigmaLow * Math.Exp(-0.5 * Math.Pow((f - lowFrequency) / lowStd, 2)) / Math.Sqrt(2 * Math.PI * lowStd * lowStd))
                + (sigmaHigh * Math.Exp(-0.5 * Math.Pow((f - highFrequency) / highStd, 2)) / Math.Sqrt(2 * Math.PI * highStd * highStd));
            var amplitude = Math.Sqrt(power);
            var phase = k == 0 || k == n / 2 ? 0 : 2 * Math.PI * random.NextDouble();
            spectrum[k] = Complex.FromPolarCoordinates(amplitude, phase);
            if (k > 0 && k < n / 2)
            {
                spectrum[n - k] = Complex.Conjugate(spectrum[k]);
            }
        }

        var series = InverseDft(spectrum);
        var mean = series.Average();
        var std = Math.Sqrt(series.Sum(v => (v - mean) * (v - mean)) / (series.Length - 1));
        var rrMean = 60 / options.HeartRateBpm;
        var rrStd = 60 * options.HeartRateStdBpm / (options.HeartRateBpm * options.HeartRateBpm);
        return series.Select(v => rrMean + ((v - mean) / (std > 0 ? std : 1) * rrStd)).ToArray();
    }

    private static double[] InverseDft(Complex[] spectrum)
    {
        // n is a few hundred at most: a direct transform is clear and fast enough.
        var n = spectrum.Length;
        var result = new double[n];
        for (var t = 0; t < n; t++)
        {
            double sum = 0;
            for (var k = 0; k < n; k++)
            {
                var angle = 2 * Math.PI * k * t / n;
                sum += (spectrum[k].Real * Math.Cos(angle)) - (spectrum[k].Imaginary * Math.Sin(angle));
            }

            result[t] = sum / n;
        }

        return result;
    }

    /// <summary>Holds each RR value for the duration of its beat (ECGSYN's rrn), at the integration rate.</summary>
    private static double[] RrSchedule(double[] rr, double fs, int steps)
    {
        var schedule = new double[steps];
        var beatEnd = 0.0;
        var i = 0;
        var beat = 0;
        while (i < steps)
        {
            var interval = rr[Math.Min(beat++, rr.Length - 1)];
            beatEnd += interval;
            var last = Math.Min(steps, (int)Math.Round(beatEnd * fs));
            for (; i < last; i++)
            {
                schedule[i] = interval;
            }
        }

        return schedule;
    }

    private static List<EcgLead> Project(double[][] vcg, EcgSynthesisOptions options, Random random)
    {
        var n = vcg[0].Length;
        var projected = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (lead, x, y, z) in Dower)
        {
            var values = new double[n];
            for (var i = 0; i < n; i++)
            {
                values[i] = (x * vcg[0][i]) + (y * vcg[1][i]) + (z * vcg[2][i]);
            }

            projected[lead] = values;
        }

        // Scale the model's relative units so the tallest R wave of any lead has the requested amplitude.
        var largest = projected.Values.Max(v => v.Max() - Median(v));
        var scale = largest > 0 ? options.PeakRMicrovolts / largest : 1;
        var first = projected["I"];
        var second = projected["II"];
        projected["III"] = first.Zip(second, (i1, i2) => i2 - i1).ToArray();
        projected["aVR"] = first.Zip(second, (i1, i2) => -(i1 + i2) / 2).ToArray();
        projected["aVL"] = first.Zip(second, (i1, i2) => i1 - (i2 / 2)).ToArray();
        projected["aVF"] = first.Zip(second, (i1, i2) => i2 - (i1 / 2)).ToArray();

        return LeadNames.TwelveLead.Select(name =>
        {
            var source = projected[name];
            var values = new float[n];
            for (var i = 0; i < n; i++)
            {
                values[i] = (float)((source[i] * scale) + (options.NoiseMicrovolts * random.NextGaussian()));
            }

            return new EcgLead(name, values);
        }).ToList();
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
