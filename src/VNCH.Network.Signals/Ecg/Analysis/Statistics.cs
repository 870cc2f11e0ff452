namespace VNCH.Network.Signals.Ecg.Analysis;

internal static class Statistics
{
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Median of a scratch buffer (reordered in place).</summary>
    public static float Median(float[] values)
    {
        Array.Sort(values);
        var mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    public static double Percentile(float[] values, double fraction)
    {
        var sorted = (float[])values.Clone();
        Array.Sort(sorted);
        return sorted.Length == 0 ? 0 : sorted[(int)Math.Clamp(fraction * (sorted.Length - 1), 0, sorted.Length - 1)];
    }

    public static double Mean(float[] values, int from, int to)
    {
        double sum = 0;
        var count = 0;
        for (var i = Math.Max(0, from); i < Math.Min(values.Length, to); i++)
        {
            sum += values[i];
            count++;
        }

        return count == 0 ? 0 : sum / count;
    }

    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return double.NaN;
        }

        var mean = values.Average();
        var sum = values.Sum(v => (v - mean) * (v - mean));
        return Math.Sqrt(sum / (values.Count - 1));
    }
}
