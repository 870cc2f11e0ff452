namespace VNCH.Network.Signals.Ecg.Analysis;

/// <summary>
/// The median beat of every lead (sample-wise median over the dominant beats, aligned on R) and its fiducial
/// points, all as sample indices into the beat window. Null fiducials were not found reliably.
/// </summary>
public sealed record RepresentativeBeat
{
    public required double SamplingRateHz { get; init; }

    /// <summary>Index of the R peak inside the window.</summary>
    public required int RPeakIndex { get; init; }

    public required int BeatsAveraged { get; init; }

    /// <summary>Median beat per lead name, microvolts, baseline-corrected (0.5 Hz high-pass).</summary>
    public required IReadOnlyDictionary<string, float[]> Leads { get; init; }

    public int? POnset { get; init; }

    public int? PPeak { get; init; }

    public required int QrsOnset { get; init; }

    public required int QrsOffset { get; init; }

    public int? TPeak { get; init; }

    public int? TEnd { get; init; }

    public double Milliseconds(int from, int to) => (to - from) * 1000 / SamplingRateHz;
}

/// <summary>QRS onset and offset of one beat (absolute sample indices); null where the beat could not be delineated.</summary>
public readonly record struct QrsBounds(int? Onset, int? Offset);

/// <summary>The representative beat (null with fewer than three beats) and the QRS bounds of every detected beat.</summary>
public sealed record EcgDelineation(RepresentativeBeat? Representative, IReadOnlyList<QrsBounds> BeatQrs);

/// <summary>
/// Builds the representative beat and delineates it. QRS onset/offset come from the spatial velocity (the root of
/// the summed squared slopes of all leads, so the result is a global, all-lead measurement as recommended by the
/// CSE working party: Willems JL et al., "Common standards for quantitative electrocardiography: goals and main
/// results", Methods Inf Med 1990;29:263–271) crossing an adaptive threshold; T end is the tangent method
/// (intersection of the steepest T downslope tangent with the isoelectric PR level; Lepeschkin E, Surawicz B,
/// Circulation 1952;6:378–388), taken as the latest end over leads with a clear T wave.
/// </summary>
public static class BeatDelineator
{
    /// <summary>Beats farther than this from the median RR (before and after) are not "dominant" and are left out of the median.</summary>
    public const double DominantRrTolerance = 0.20;

    /// <summary>At most this many beats (spread evenly over the record) enter the median; more adds nothing but time.</summary>
    public const int MaxBeatsInMedian = 300;

    internal const double QrsOnsetThreshold = 0.05;
    internal const double QrsOffsetThreshold = 0.05;
    internal const double PWaveThreshold = 0.20;
    internal const double MinimumTWaveMicrovolts = 60;
    internal const double MinimumPWaveMicrovolts = 25;
    internal const double MajorTWaveFraction = 0.5;

    /// <summary>Per-beat QRS delineation is skipped beyond this many beats (about a day at 70 bpm) to bound memory.</summary>
    public const int MaxBeatsDelineated = 120_000;

    public static EcgDelineation Delineate(EcgRecording recording, IReadOnlyList<int> rPeaks, IReadOnlyCollection<string>? excludedLeads = null)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(rPeaks);
        var fs = recording.SamplingRateHz;
        var leads = recording.Leads.Where(l => excludedLeads is null || !excludedLeads.Contains(l.Name)).ToList();
        if (leads.Count == 0 || rPeaks.Count == 0)
        {
            return new EcgDelineation(null, rPeaks.Select(_ => new QrsBounds(null, null)).ToList());
        }

        var h = Math.Max(1, (int)Math.Round(0.004 * fs));

        // Filtering is per lead and independent: in parallel. Accumulation happens in lead order (deterministic).
        var prepared = new float[leads.Count][];
        Parallel.For(0, leads.Count, k => prepared[k] = Prepare(leads[k], fs));
        var beatWindows = rPeaks.Count <= MaxBeatsDelineated ? new BeatVelocity(rPeaks, recording.SampleCount, h, fs) : null;
        foreach (var filtered in prepared)
        {
            beatWindows?.Add(filtered);
        }

        if (rPeaks.Count < 3)
        {
            return new EcgDelineation(null, beatWindows?.Bounds() ?? rPeaks.Select(_ => new QrsBounds(null, null)).ToList());
        }

        var rr = new double[rPeaks.Count - 1];
        for (var i = 1; i < rPeaks.Count; i++)
        {
            rr[i - 1] = rPeaks[i] - rPeaks[i - 1];
        }

        var medianRr = Statistics.Median(rr);
        var pre = (int)Math.Min(0.40 * fs, 0.6 * medianRr);
        var post = (int)Math.Min(0.75 * fs, 0.9 * medianRr);
        var beats = DominantBeats(rPeaks, rr, medianRr, pre, post, recording.SampleCount);
        var window = pre + post + 1;
        var perLead = new float[leads.Count][];
        Parallel.For(0, leads.Count, k =>
        {
            var filtered = prepared[k];
            var values = new float[beats.Count];
            var median = new float[window];
            for (var t = 0; t < window && beats.Count > 0; t++)
            {
                for (var b = 0; b < beats.Count; b++)
                {
                    values[b] = filtered[beats[b] - pre + t];
                }

                median[t] = Statistics.Median(values);
            }

            perLead[k] = median;
        });

        var medians = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var k = 0; k < leads.Count; k++)
        {
            medians.TryAdd(leads[k].Name, perLead[k]);
        }

        var bounds = beatWindows?.Bounds() ?? rPeaks.Select(_ => new QrsBounds(null, null)).ToList();
        return new EcgDelineation(beats.Count == 0 ? null : Delineate(medians, pre, medianRr, fs, beats.Count), bounds);
    }

    // Baseline wander would bias the isoelectric level; 40 Hz keeps the QRS shape but drops EMG and mains.
    private static float[] Prepare(EcgLead lead, double fs)
    {
        var filtered = (float[])lead.Microvolts.Clone();
        Filters.BandPassZeroPhase(filtered, 0.5, 40, fs);
        return filtered;
    }

    /// <summary>Spatial velocity around every R peak, accumulated lead by lead so all filtered leads need not be kept.</summary>
    private sealed class BeatVelocity
    {
        private readonly IReadOnlyList<int> rPeaks;
        private readonly int length;
        private readonly int h;
        private readonly double fs;
        private readonly int before;
        private readonly float[][] velocity;

        public BeatVelocity(IReadOnlyList<int> rPeaks, int length, int h, double fs)
        {
            this.rPeaks = rPeaks;
            this.length = length;
            this.h = h;
            this.fs = fs;
            before = (int)(0.150 * fs);
            var after = (int)(0.200 * fs);
            velocity = rPeaks.Select(_ => new float[before + after + 1]).ToArray();
        }

        public void Add(float[] x)
        {
            for (var b = 0; b < rPeaks.Count; b++)
            {
                var v = velocity[b];
                var start = rPeaks[b] - before;
                for (var t = 0; t < v.Length; t++)
                {
                    var i = start + t;
                    if (i - h >= 0 && i + h < length)
                    {
                        var d = (x[i + h] - x[i - h]) / (2f * h);
                        v[t] += d * d;
                    }
                }
            }
        }

        public List<QrsBounds> Bounds()
        {
            var result = new List<QrsBounds>(rPeaks.Count);
            for (var b = 0; b < rPeaks.Count; b++)
            {
                var v = velocity[b];
                for (var t = 0; t < v.Length; t++)
                {
                    v[t] = MathF.Sqrt(v[t]);
                }

                // Neighbouring beats closer than the window would be mistaken for this QRS: stop halfway.
                var lo = b > 0 ? Math.Max(h, ((rPeaks[b - 1] + rPeaks[b]) / 2) - rPeaks[b] + before) : h;
                var hi = b < rPeaks.Count - 1 ? Math.Min(v.Length - h - 1, ((rPeaks[b] + rPeaks[b + 1]) / 2) - rPeaks[b] + before) : v.Length - h - 1;
                var firstValid = Math.Max(lo, before - rPeaks[b] + h);
                var lastValid = Math.Min(hi, length - 1 - h - rPeaks[b] + before);
                if (lastValid - firstValid < (int)(0.060 * fs))
                {
                    result.Add(new QrsBounds(null, null));
                    continue;
                }

                var (onset, offset) = QrsOnOff(v, before, firstValid, lastValid, fs);
                result.Add(new QrsBounds(onset - before + rPeaks[b], offset - before + rPeaks[b]));
            }

            return result;
        }
    }

    /// <summary>QRS onset and offset on a spatial-velocity curve around the R peak at index r.</summary>
    private static (int Onset, int Offset) QrsOnOff(float[] velocity, int r, int lo, int hi, double fs)
    {
        int Ms(double milliseconds) => (int)Math.Round(milliseconds * fs / 1000);
        var floor = Statistics.Percentile(velocity, 0.20);
        var peak = Math.Max(lo, r - Ms(80));
        for (var t = peak; t <= Math.Min(hi, r + Ms(80)); t++)
        {
            if (velocity[t] > velocity[peak])
            {
                peak = t;
            }
        }

        var run = Math.Max(2, Ms(8));
        var onThreshold = floor + (QrsOnsetThreshold * (velocity[peak] - floor));
        var offThreshold = floor + (QrsOffsetThreshold * (velocity[peak] - floor));
        var onset = WalkUntilQuiet(velocity, Math.Min(peak, r), -1, onThreshold, run, Math.Max(lo, r - Ms(150)));
        var offset = WalkUntilQuiet(velocity, Math.Max(peak, r), +1, offThreshold, run, Math.Min(hi, r + Ms(200)));
        return (onset, offset);
    }

    private static List<int> DominantBeats(IReadOnlyList<int> rPeaks, double[] rr, double medianRr, int pre, int post, int length)
    {
        var dominant = new List<int>();
        for (var i = 1; i < rPeaks.Count - 1; i++)
        {
            var before = rr[i - 1];
            var after = rr[i];
            if (Math.Abs(before - medianRr) <= DominantRrTolerance * medianRr
                && Math.Abs(after - medianRr) <= DominantRrTolerance * medianRr
                && rPeaks[i] - pre >= 0 && rPeaks[i] + post < length)
            {
                dominant.Add(rPeaks[i]);
            }
        }

        if (dominant.Count <= MaxBeatsInMedian)
        {
            return dominant;
        }

        var step = (double)dominant.Count / MaxBeatsInMedian;
        return Enumerable.Range(0, MaxBeatsInMedian).Select(k => dominant[(int)(k * step)]).ToList();
    }

    private static RepresentativeBeat Delineate(Dictionary<string, float[]> medians, int r, double rrSamples, double fs, int beatCount)
    {
        var window = medians.Values.First().Length;
        var h = Math.Max(1, (int)Math.Round(0.004 * fs));
        var velocity = SpatialVelocity(medians.Values, h);

        int Ms(double milliseconds) => (int)Math.Round(milliseconds * fs / 1000);

        // QRS: velocity peak near R; thresholds relative to it above the floor (20th percentile of the beat).
        var (qrsOnset, qrsOffset) = QrsOnOff(velocity, r, h, window - h - 1, fs);

        // Isoelectric level per lead: the PR segment just before QRS onset.
        var isoFrom = Math.Max(0, qrsOnset - Ms(20));
        var iso = medians.ToDictionary(m => m.Key, m => Statistics.Mean(m.Value, isoFrom, Math.Max(isoFrom + 1, qrsOnset - Ms(5))));

        // The T wave ends well before the next P wave: search up to 70 % of the RR interval, and no later than
        // 150 ms before the next R.
        var tLimit = Math.Min(window - h - 1, r + (int)Math.Min(0.7 * rrSamples, rrSamples - (0.150 * fs)));
        var (tPeak, tEnd) = FindTWave(medians, iso, qrsOffset, tLimit, h, fs);
        var (pOnset, pPeak) = FindPWave(medians, iso, velocity, qrsOnset, fs);
        return new RepresentativeBeat
        {
            SamplingRateHz = fs,
            RPeakIndex = r,
            BeatsAveraged = beatCount,
            Leads = medians,
            POnset = pOnset,
            PPeak = pPeak,
            QrsOnset = qrsOnset,
            QrsOffset = qrsOffset,
            TPeak = tPeak,
            TEnd = tEnd,
        };
    }

    private static float[] SpatialVelocity(IEnumerable<float[]> leads, int h)
    {
        float[]? velocity = null;
        foreach (var x in leads)
        {
            velocity ??= new float[x.Length];
            for (var t = h; t < x.Length - h; t++)
            {
                var d = (x[t + h] - x[t - h]) / (2f * h);
                velocity[t] += d * d;
            }
        }

        velocity ??= [];
        for (var t = 0; t < velocity.Length; t++)
        {
            velocity[t] = MathF.Sqrt(velocity[t]);
        }

        return velocity;
    }

    // Moves from start in direction until `run` consecutive samples are below threshold; returns the first quiet sample.
    private static int WalkUntilQuiet(float[] velocity, int start, int direction, double threshold, int run, int limit)
    {
        var quiet = 0;
        for (var t = start; direction < 0 ? t >= limit : t <= limit; t += direction)
        {
            quiet = velocity[t] < threshold ? quiet + 1 : 0;
            if (quiet >= run)
            {
                return t - (direction * (run - 1));
            }
        }

        return limit;
    }

    private static (int? Peak, int? End) FindTWave(Dictionary<string, float[]> medians, Dictionary<string, double> iso, int qrsOffset, int limit, int h, double fs)
    {
        var from = qrsOffset + (int)(0.060 * fs);
        var to = limit;
        if (to - from < (int)(0.080 * fs))
        {
            return (null, null);
        }

        var ends = new List<(double End, int Peak, double Amplitude)>();
        foreach (var (name, x) in medians)
        {
            var level = iso[name];
            var peak = from;
            for (var t = from; t <= to; t++)
            {
                if (Math.Abs(x[t] - level) > Math.Abs(x[peak] - level))
                {
                    peak = t;
                }
            }

            var amplitude = x[peak] - level;
            if (Math.Abs(amplitude) < MinimumTWaveMicrovolts || peak >= to - h)
            {
                continue;
            }

            // Steepest slope back towards the baseline within 150 ms after the T peak.
            var sign = Math.Sign(amplitude);
            var tangentAt = -1;
            double steepest = 0;
            for (var t = peak + 1; t <= Math.Min(to, peak + (int)(0.150 * fs)); t++)
            {
                var slope = (x[t + h] - x[t - h]) / (2.0 * h);
                if (-sign * slope > steepest)
                {
                    steepest = -sign * slope;
                    tangentAt = t;
                }
            }

            if (tangentAt < 0)
            {
                continue;
            }

            var tangentSlope = (x[tangentAt + h] - x[tangentAt - h]) / (2.0 * h);
            var end = tangentAt + ((level - x[tangentAt]) / tangentSlope);
            if (end > peak && end < to + (0.100 * fs))
            {
                ends.Add((end, peak, Math.Abs(amplitude)));
            }
        }

        if (ends.Count == 0)
        {
            return (null, null);
        }

        // Global T end: the latest end among leads whose T wave is at least half the largest one; tangents on
        // small T waves are too shallow to place the end reliably.
        var dominant = ends.MaxBy(e => e.Amplitude);
        var latest = ends.Where(e => e.Amplitude >= MajorTWaveFraction * dominant.Amplitude).Max(e => e.End);
        return (dominant.Peak, (int)Math.Round(latest));
    }

    private static (int? Onset, int? Peak) FindPWave(Dictionary<string, float[]> medians, Dictionary<string, double> iso, float[] velocity, int qrsOnset, double fs)
    {
        var to = qrsOnset - (int)(0.030 * fs);
        var from = Math.Max(1, qrsOnset - (int)(0.300 * fs));
        if (to - from < (int)(0.060 * fs))
        {
            return (null, null);
        }

        // The P wave is the largest deflection from the PR level in the window, in the lead where it is largest.
        var bestPeak = -1;
        double bestAmplitude = 0;
        foreach (var (name, x) in medians)
        {
            for (var t = from; t <= to; t++)
            {
                var amplitude = Math.Abs(x[t] - iso[name]);
                if (amplitude > bestAmplitude)
                {
                    bestAmplitude = amplitude;
                    bestPeak = t;
                }
            }
        }

        // A peak on the window edge is the previous T wave or drift, not a P wave.
        if (bestAmplitude < MinimumPWaveMicrovolts || bestPeak <= from + 1)
        {
            return (null, null);
        }

        double pMax = 0;
        for (var t = from; t <= to; t++)
        {
            pMax = Math.Max(pMax, velocity[t]);
        }

        var floor = Statistics.Percentile(velocity, 0.20);
        var threshold = floor + (PWaveThreshold * (pMax - floor));
        var run = Math.Max(2, (int)(0.008 * fs));
        var onset = WalkUntilQuiet(velocity, bestPeak, -1, threshold, run, from);
        return onset <= from ? (null, bestPeak) : (onset, bestPeak);
    }
}
