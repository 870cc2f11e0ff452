namespace VNCH.Network.Signals.Ecg.Analysis;

/// <summary>Tuning of <see cref="QrsDetector"/>; the defaults are the published values.</summary>
public sealed record QrsDetectorOptions
{
    public static QrsDetectorOptions Default { get; } = new();

    /// <summary>Pan–Tompkins pass band (5–15 Hz) that keeps QRS energy and rejects P/T waves, drift and mains.</summary>
    public double BandLowHz { get; init; } = 5;

    public double BandHighHz { get; init; } = 15;

    /// <summary>Moving-window integration width (150 ms in Pan–Tompkins, "about the widest possible QRS").</summary>
    public double IntegrationWindowSeconds { get; init; } = 0.150;

    /// <summary>Physiological refractory period: no second QRS within 200 ms.</summary>
    public double RefractorySeconds { get; init; } = 0.200;

    /// <summary>A candidate within 360 ms of a QRS with less than half its slope is a T wave.</summary>
    public double TWaveWindowSeconds { get; init; } = 0.360;

    /// <summary>Search back when no QRS is found within 166 % of the average RR interval.</summary>
    public double SearchBackFactor { get; init; } = 1.66;

    /// <summary>Leads to fuse (null: all leads that are not flat or lead-off).</summary>
    public IReadOnlyList<string>? Leads { get; init; }
}

/// <summary>
/// QRS detection after Pan J, Tompkins WJ. "A real-time QRS detection algorithm." IEEE Trans Biomed Eng.
/// 1985;32(3):230–236: band-pass 5–15 Hz, five-point derivative, squaring, 150 ms moving-window integration,
/// two adaptive thresholds (signal/noise peak estimates SPKI/NPKI), 200 ms refractory period, T-wave
/// discrimination by slope, and search-back at 166 % of the RR average with the lower threshold.
/// Refinements: the filters are zero-phase Butterworth sections designed at the record's rate (any fs, no group
/// delay to undo); the squared derivatives of several leads are summed, each scaled by its own mean energy, so
/// one good lead carries a beat another lead misses (multi-lead fusion); the R peak is then placed on the
/// reference lead's largest deflection in the QRS window.
/// </summary>
public static class QrsDetector
{
    /// <summary>Shorter recordings are not analysed: the thresholds learn from the first 2 s.</summary>
    public static TimeSpan MinimumDuration { get; } = TimeSpan.FromSeconds(2);

    public static IReadOnlyList<int> Detect(EcgRecording recording, QrsDetectorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        options ??= QrsDetectorOptions.Default;
        var fs = recording.SamplingRateHz;
        var n = recording.SampleCount;
        if (recording.Duration < MinimumDuration)
        {
            return [];
        }

        var leads = SelectLeads(recording, options);

        // Each lead's squared slope is independent work (run in parallel); the sum is taken in lead order so the
        // result does not depend on thread timing.
        var perLead = new float[]?[leads.Count];
        Parallel.For(0, leads.Count, k => perLead[k] = ScaledSquaredSlope(leads[k].Microvolts, fs, options));
        var energy = new float[n];
        foreach (var squared in perLead)
        {
            if (squared is null)
            {
                continue;
            }

            for (var i = 0; i < n; i++)
            {
                energy[i] += squared[i];
            }
        }

        var window = Math.Max(1, (int)Math.Round(options.IntegrationWindowSeconds * fs)) | 1;
        var integrated = Filters.MovingAverage(energy, window);
        var qrsCentres = AdaptiveThresholds(integrated, energy, fs, options);
        return LocateRPeaks(recording, qrsCentres, fs);
    }

    // Band-pass, derivative, square; scaled by the lead's mean energy so every lead has the same weight.
    private static float[]? ScaledSquaredSlope(float[] samples, double fs, QrsDetectorOptions options)
    {
        var n = samples.Length;
        var filtered = (float[])samples.Clone();
        Filters.BandPassZeroPhase(filtered, options.BandLowHz, options.BandHighHz, fs);
        var squared = new float[n];
        FivePointDerivative(filtered, squared, fs);
        double mean = 0;
        for (var i = 0; i < n; i++)
        {
            var d = squared[i];
            squared[i] = d * d;
            mean += squared[i];
        }

        mean /= n;
        if (mean <= 0)
        {
            return null;
        }

        var scale = (float)(1 / mean);
        for (var i = 0; i < n; i++)
        {
            squared[i] *= scale;
        }

        return squared;
    }

    /// <summary>The lead on which R peaks are placed: lead II (the rhythm lead), else MLII, else the first lead.</summary>
    public static EcgLead ReferenceLead(EcgRecording recording) =>
        recording.FindLead("II") ?? recording.FindLead("MLII") ?? recording.Leads[0];

    private static List<EcgLead> SelectLeads(EcgRecording recording, QrsDetectorOptions options)
    {
        if (options.Leads is { Count: > 0 } names)
        {
            var chosen = names.Select(recording.FindLead).OfType<EcgLead>().ToList();
            return chosen.Count > 0 ? chosen : [ReferenceLead(recording)];
        }

        // Flat or disconnected leads only add noise to the fused energy.
        var usable = recording.Leads.Where(l => !SignalQuality.IsLeadOff(l.Microvolts, recording.SamplingRateHz)).ToList();
        return usable.Count > 0 ? usable : [ReferenceLead(recording)];
    }

    private static void FivePointDerivative(ReadOnlySpan<float> x, Span<float> y, double fs)
    {
        // y[n] = (2x[n+2] + x[n+1] − x[n−1] − 2x[n−2]) · fs/8, centred (no delay).
        var n = x.Length;
        var k = (float)(fs / 8);
        for (var i = 0; i < n; i++)
        {
            var m2 = x[Math.Max(i - 2, 0)];
            var m1 = x[Math.Max(i - 1, 0)];
            var p1 = x[Math.Min(i + 1, n - 1)];
            var p2 = x[Math.Min(i + 2, n - 1)];
            y[i] = ((2 * p2) + p1 - m1 - (2 * m2)) * k;
        }
    }

    private static List<int> AdaptiveThresholds(float[] integrated, float[] energy, double fs, QrsDetectorOptions options)
    {
        var n = integrated.Length;
        var refractory = (int)(options.RefractorySeconds * fs);
        var tWindow = (int)(options.TWaveWindowSeconds * fs);
        var halfWindow = (int)(options.IntegrationWindowSeconds * fs / 2);

        // Candidate peaks: local maxima of the integrated signal, at most one per refractory period.
        var peaks = new List<int>();
        for (var i = 1; i < n - 1; i++)
        {
            if (integrated[i] > integrated[i - 1] && integrated[i] >= integrated[i + 1])
            {
                if (peaks.Count > 0 && i - peaks[^1] < refractory)
                {
                    if (integrated[i] > integrated[peaks[^1]])
                    {
                        peaks[^1] = i;
                    }

                    continue;
                }

                peaks.Add(i);
            }
        }

        // Learning phase: the first 2 s set the initial signal and noise levels.
        var learn = Math.Min(n, (int)(2 * fs));
        float max = 0, sum = 0;
        for (var i = 0; i < learn; i++)
        {
            max = Math.Max(max, integrated[i]);
            sum += integrated[i];
        }

        double spki = max / 3, npki = sum / learn / 2;
        double Threshold1() => npki + (0.25 * (spki - npki));

        var qrs = new List<int>();
        var slopes = new List<float>();
        var recentRr = new Queue<double>();
        var regularRr = new Queue<double>();
        double rrAverage = fs; // 60 bpm until beats are seen
        var candidatesSinceQrs = new List<int>();

        void Accept(int index, double level, bool searchBack)
        {
            spki = searchBack ? (0.25 * level) + (0.75 * spki) : (0.125 * level) + (0.875 * spki);
            if (qrs.Count > 0)
            {
                double rr = index - qrs[^1];
                Push(recentRr, rr);
                var low = 0.92 * rrAverage;
                var high = 1.16 * rrAverage;
                if (regularRr.Count == 0 || (rr > low && rr < high))
                {
                    Push(regularRr, rr);
                }

                rrAverage = regularRr.Count > 0 ? regularRr.Average() : recentRr.Average();
            }

            qrs.Add(index);
            slopes.Add(MaxSlope(energy, index, halfWindow));
            candidatesSinceQrs.Clear();
        }

        foreach (var peak in peaks)
        {
            // Search back: nothing for 166 % of the RR average → take the best candidate above threshold 2.
            if (qrs.Count > 0 && peak - qrs[^1] > options.SearchBackFactor * rrAverage)
            {
                var threshold2 = 0.5 * Threshold1();
                var best = -1;
                foreach (var c in candidatesSinceQrs)
                {
                    if (c - qrs[^1] >= refractory && integrated[c] > threshold2 && (best < 0 || integrated[c] > integrated[best]))
                    {
                        best = c;
                    }
                }

                if (best >= 0)
                {
                    Accept(best, integrated[best], searchBack: true);
                    candidatesSinceQrs.AddRange(peaks.Where(p => p > best && p < peak));
                }
            }

            var level = integrated[peak];
            if (level > Threshold1())
            {
                if (qrs.Count > 0 && peak - qrs[^1] < tWindow && MaxSlope(energy, peak, halfWindow) < 0.5 * slopes[^1])
                {
                    npki = (0.125 * level) + (0.875 * npki); // T wave
                    candidatesSinceQrs.Add(peak);
                    continue;
                }

                Accept(peak, level, searchBack: false);
            }
            else
            {
                npki = (0.125 * level) + (0.875 * npki);
                candidatesSinceQrs.Add(peak);
            }
        }

        return qrs;
    }

    private static void Push(Queue<double> queue, double value)
    {
        queue.Enqueue(value);
        if (queue.Count > 8)
        {
            queue.Dequeue();
        }
    }

    // Energy is the squared slope; its maximum around the integrator peak stands in for the QRS slope.
    private static float MaxSlope(float[] energy, int centre, int halfWindow)
    {
        float best = 0;
        var end = Math.Min(energy.Length - 1, centre + halfWindow);
        for (var i = Math.Max(0, centre - halfWindow); i <= end; i++)
        {
            best = Math.Max(best, energy[i]);
        }

        return best;
    }

    private static int[] LocateRPeaks(EcgRecording recording, List<int> centres, double fs)
    {
        var reference = ReferenceLead(recording).Microvolts;
        var half = (int)(0.100 * fs);
        var baselineHalf = (int)(0.150 * fs);
        var result = new List<int>(centres.Count);
        for (var k = 0; k < centres.Count; k++)
        {
            var centre = centres[k];
            var lo = Math.Max(0, centre - half);
            var hi = Math.Min(reference.Length - 1, centre + half);
            if (k > 0)
            {
                lo = Math.Max(lo, (centres[k - 1] + centre) / 2);
            }

            if (k < centres.Count - 1)
            {
                hi = Math.Min(hi, (centre + centres[k + 1]) / 2);
            }

            // Local baseline: the mean level just outside the QRS window, so drift does not move the peak.
            var b0 = reference[Math.Max(0, centre - baselineHalf)];
            var b1 = reference[Math.Min(reference.Length - 1, centre + baselineHalf)];
            var baseline = (b0 + b1) / 2;
            var best = lo;
            var bestValue = -1f;
            for (var i = lo; i <= hi; i++)
            {
                var deviation = Math.Abs(reference[i] - baseline);
                if (deviation > bestValue)
                {
                    bestValue = deviation;
                    best = i;
                }
            }

            if (result.Count == 0 || best > result[^1])
            {
                result.Add(best);
            }
        }

        return [.. result];
    }
}
