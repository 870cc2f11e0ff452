using VNCH.Network.Inference.Evaluation;

namespace VNCH.Network.Inference.Tests.Evaluation;

public class BinaryMetricsTests
{
    [Fact]
    public void Auc_CountsPairsAndHalfTies()
    {
        // Positives 0.9, 0.8, 0.4 against negatives 0.5, 0.4: pairs won 2 + 2 + 0.5 (tie) = 4.5 of 6.
        var scores = new[] { 0.9f, 0.8f, 0.4f, 0.5f, 0.4f };
        var positive = new[] { true, true, true, false, false };

        Assert.Equal(4.5 / 6, BinaryMetrics.Auc(scores, positive).Value, 12);
    }

    [Fact]
    public void Auc_DeLongInterval_MatchesTheFastMidrankAlgorithm()
    {
        // Reference from an independent implementation of Sun & Xu (2014) fast DeLong (midranks), numpy 1.24:
        // AUC 0.869047619047619, variance 0.010752078609221467.
        var pos = new[] { 0.9f, 0.8f, 0.4f, 0.7f, 0.65f, 0.3f, 0.95f };
        var neg = new[] { 0.5f, 0.3f, 0.2f, 0.6f, 0.1f, 0.35f };
        var scores = pos.Concat(neg).ToArray();
        var positive = pos.Select(_ => true).Concat(neg.Select(_ => false)).ToArray();

        var auc = BinaryMetrics.Auc(scores, positive);

        Assert.Equal(0.869047619047619, auc.Value, 9);
        Assert.Equal(0.869047619047619 - (1.959963984540054 * Math.Sqrt(0.010752078609221467)), auc.Lower!.Value, 6);
        Assert.Equal(1.0, auc.Upper!.Value, 12);
    }

    [Fact]
    public void Auc_NeedsBothClasses()
    {
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Auc([0.1f, 0.2f], [true, true]));
    }

    [Theory]
    // Textbook values for the Wilson score interval (e.g. Newcombe 1998 tables): 8/10 → 0.4902–0.9433.
    [InlineData(8, 10, 0.4902, 0.9433)]
    [InlineData(390, 390, 0.9902, 1.0)]
    [InlineData(0, 20, 0.0, 0.1611)]
    public void Proportion_WilsonInterval(int k, int n, double lower, double upper)
    {
        var p = BinaryMetrics.Proportion(k, n);

        Assert.Equal((double)k / n, p.Value, 12);
        Assert.Equal(lower, p.Lower!.Value, 4);
        Assert.Equal(upper, p.Upper!.Value, 4);
    }

    [Fact]
    public void Confusion_ScoreAtThresholdIsPositive()
    {
        var counts = BinaryMetrics.Confusion([0.5f, 0.49f, 0.7f, 0.2f], [true, true, false, false], 0.5);

        Assert.Equal(new ConfusionCounts(TruePositives: 1, FalsePositives: 1, TrueNegatives: 1, FalseNegatives: 1), counts);
        Assert.Equal(0.5, counts.Sensitivity.Value);
        Assert.Equal(0.5, counts.Specificity.Value);
    }
}
