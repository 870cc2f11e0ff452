using VNCH.Network.Inference.Manifests;

namespace VNCH.Network.Inference.Evaluation;

/// <summary>Discrimination and threshold metrics for a binary classifier, with 95 % confidence intervals:
/// DeLong for the AUC, Wilson score intervals for proportions.</summary>
public static class BinaryMetrics
{
    public const double Z95 = 1.959963984540054;
    public const string DeLongMethod = "DeLong (normal approximation, clipped to [0, 1])";
    public const string WilsonMethod = "Wilson score interval";

    /// <summary>Area under the ROC curve (Mann–Whitney, ties count one half) with its DeLong 95 % CI.</summary>
    public static MetricValue Auc(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        CheckLengths(scores, positive);
        var pos = Enumerable.Range(0, scores.Count).Where(i => positive[i]).Select(i => scores[i]).ToArray();
        var neg = Enumerable.Range(0, scores.Count).Where(i => !positive[i]).Select(i => scores[i]).ToArray();
        if (pos.Length == 0 || neg.Length == 0)
        {
            throw new ArgumentException("AUC needs at least one positive and one negative case.");
        }

        // DeLong's structural components: V10 per positive, V01 per negative. O(n1·n0) is fine at evaluation sizes.
        var v10 = new double[pos.Length];
        var v01 = new double[neg.Length];
        for (var i = 0; i < pos.Length; i++)
        {
            for (var j = 0; j < neg.Length; j++)
            {
                var psi = pos[i] > neg[j] ? 1.0 : pos[i] == neg[j] ? 0.5 : 0.0;
                v10[i] += psi;
                v01[j] += psi;
            }
        }

        for (var i = 0; i < v10.Length; i++)
        {
            v10[i] /= neg.Length;
        }

        for (var j = 0; j < v01.Length; j++)
        {
            v01[j] /= pos.Length;
        }

        var auc = v10.Average();
        var variance = (SampleVariance(v10) / pos.Length) + (SampleVariance(v01) / neg.Length);
        var half = Z95 * Math.Sqrt(variance);
        return new MetricValue
        {
            Value = auc,
            Lower = Math.Max(0, auc - half),
            Upper = Math.Min(1, auc + half),
            Method = DeLongMethod,
        };
    }

    /// <summary>A proportion with its Wilson 95 % interval.</summary>
    public static MetricValue Proportion(int successes, int total)
    {
        if (total <= 0 || successes < 0 || successes > total)
        {
            throw new ArgumentException($"Invalid proportion {successes}/{total}.");
        }

        var p = (double)successes / total;
        var z2 = Z95 * Z95;
        var denominator = 1 + (z2 / total);
        var center = (p + (z2 / (2 * total))) / denominator;
        var half = Z95 * Math.Sqrt((p * (1 - p) / total) + (z2 / (4.0 * total * total))) / denominator;
        return new MetricValue { Value = p, Lower = Math.Max(0, center - half), Upper = Math.Min(1, center + half), Method = WilsonMethod };
    }

    /// <summary>Confusion counts at a threshold (score ≥ threshold → positive).</summary>
    public static ConfusionCounts Confusion(IReadOnlyList<float> scores, IReadOnlyList<bool> positive, double threshold)
    {
        CheckLengths(scores, positive);
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            var predicted = scores[i] >= threshold;
            if (predicted && positive[i])
            {
                tp++;
            }
            else if (predicted)
            {
                fp++;
            }
            else if (positive[i])
            {
                fn++;
            }
            else
            {
                tn++;
            }
        }

        return new ConfusionCounts(tp, fp, tn, fn);
    }

    private static double SampleVariance(double[] values)
    {
        if (values.Length < 2)
        {
            return 0;
        }

        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }

    private static void CheckLengths(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        if (scores.Count != positive.Count)
        {
            throw new ArgumentException($"{scores.Count} scores but {positive.Count} labels.");
        }
    }
}

public readonly record struct ConfusionCounts(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    public int Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    public MetricValue Accuracy => BinaryMetrics.Proportion(TruePositives + TrueNegatives, Total);

    public MetricValue Sensitivity => BinaryMetrics.Proportion(TruePositives, TruePositives + FalseNegatives);

    public MetricValue Specificity => BinaryMetrics.Proportion(TrueNegatives, TrueNegatives + FalsePositives);
}
