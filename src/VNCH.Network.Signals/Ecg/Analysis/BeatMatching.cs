namespace VNCH.Network.Signals.Ecg.Analysis;

/// <summary>Detector performance against reference beats: true/false positives, misses, sensitivity, positive predictivity.</summary>
public sealed record BeatMatchResult(int TruePositives, int FalsePositives, int FalseNegatives)
{
    /// <summary>Se = TP / (TP + FN).</summary>
    public double Sensitivity => TruePositives + FalseNegatives == 0 ? 0 : (double)TruePositives / (TruePositives + FalseNegatives);

    /// <summary>+P = TP / (TP + FP).</summary>
    public double PositivePredictivity => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public override string ToString() =>
        $"TP {TruePositives}, FP {FalsePositives}, FN {FalseNegatives}, Se {Sensitivity:P2}, +P {PositivePredictivity:P2}";
}

/// <summary>
/// Beat-by-beat comparison as in ANSI/AAMI EC57 (and the WFDB tool bxb): a detection matches a reference beat when
/// they are at most 150 ms apart; each beat matches at most once (closest first, in time order).
/// </summary>
public static class BeatMatching
{
    public const double AamiMatchWindowSeconds = 0.150;

    /// <param name="ignoreBeforeSample">
    /// EC57 excludes the first 5 minutes of MIT-BIH records from the statistics; pass 0 to score the whole record.
    /// </param>
    public static BeatMatchResult Match(IReadOnlyList<long> reference, IReadOnlyList<long> detected, double samplingRateHz, double windowSeconds = AamiMatchWindowSeconds, long ignoreBeforeSample = 0)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(detected);
        var window = (long)Math.Round(windowSeconds * samplingRateHz);
        var refs = reference.Where(r => r >= ignoreBeforeSample).Order().ToArray();
        var dets = detected.Where(d => d >= ignoreBeforeSample).Order().ToArray();
        int i = 0, j = 0, tp = 0, fp = 0, fn = 0;
        while (i < refs.Length && j < dets.Length)
        {
            var difference = dets[j] - refs[i];
            if (Math.Abs(difference) <= window)
            {
                // Prefer the closer pairing when the next detection or reference is nearer.
                if (j + 1 < dets.Length && Math.Abs(dets[j + 1] - refs[i]) < Math.Abs(difference))
                {
                    fp++;
                    j++;
                    continue;
                }

                if (i + 1 < refs.Length && Math.Abs(dets[j] - refs[i + 1]) < Math.Abs(difference))
                {
                    fn++;
                    i++;
                    continue;
                }

                tp++;
                i++;
                j++;
            }
            else if (difference < 0)
            {
                fp++;
                j++;
            }
            else
            {
                fn++;
                i++;
            }
        }

        fn += refs.Length - i;
        fp += dets.Length - j;
        return new BeatMatchResult(tp, fp, fn);
    }
}
