namespace VNCH.Network.Inference.Tests.Registry;

public class OnnxModelTests(CommittedModel committed) : IClassFixture<CommittedModel>
{
    [Fact]
    public void Classify_RecordsModelIdentityScoresThresholdAndTiming()
    {
        var image = Gradient(640, 480, seed: 1);

        var result = committed.Model.Classify(image, 640, 480, "1.2.3.4");

        var manifest = committed.Model.Manifest;
        // The expected label comes from the manifest's default threshold applied to the score of a separate Score
        // call on the same tensor, not from the result's own score and threshold.
        var score = committed.Model.Score(committed.Model.Preprocessor.Preprocess(image, 640, 480), 1)[0];
        var expectedLabel = score >= manifest.DefaultThreshold.Value ? manifest.Labels[1] : manifest.Labels[0];
        Assert.Equal(manifest.Id, result.ModelId);
        Assert.Equal(manifest.Version, result.ModelVersion);
        Assert.Equal(manifest.Sha256, result.ModelSha256);
        Assert.Equal("1.2.3.4", result.InputInstance);
        Assert.Equal(manifest.DefaultThreshold.Value, result.Threshold);
        Assert.Equal(1.0, result.Scores["normal"] + result.Scores["pneumonia"], 6);
        Assert.Equal(score, result.Scores["pneumonia"], 6);
        Assert.Equal(expectedLabel, result.Label);
        Assert.True(result.InferenceTime > TimeSpan.Zero);
    }

    [Fact]
    public void Score_IsDeterministicAndThreadSafe()
    {
        var inputs = Enumerable.Range(0, 16).Select(i => committed.Model.Preprocessor.Preprocess(Gradient(300, 200, i), 300, 200)).ToArray();
        var sequential = inputs.Select(x => committed.Model.Score(x, 1)[0]).ToArray();

        var parallel = new float[inputs.Length];
        Parallel.For(0, inputs.Length * 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            var i = k % inputs.Length;
            var score = committed.Model.Score(inputs[i], 1)[0];
            Assert.Equal(sequential[i], score);
            parallel[i] = score;
        });

        Assert.Equal(sequential, parallel);
    }

    [Fact]
    public void Score_BatchEqualsSingleImages()
    {
        var inputs = Enumerable.Range(0, 5).Select(i => committed.Model.Preprocessor.Preprocess(Gradient(100, 100, i), 100, 100)).ToArray();

        var batch = committed.Model.Score(inputs.SelectMany(x => x).ToArray(), inputs.Length);

        for (var i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(committed.Model.Score(inputs[i], 1)[0], batch[i], 5);
        }
    }

    [Fact]
    public void Score_WrongTensorLength_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => committed.Model.Score(new float[100], 1));
    }

    [Fact]
    public void Classify_UnknownThresholdName_IsRejected()
    {
        var tensor = new float[28 * 28];

        Assert.Throws<ArgumentException>(() => committed.Model.Classify(tensor, "x", thresholdName: "nope"));
    }

    // Synthetic, not clinical: a smooth pattern that differs per seed.
    private static byte[] Gradient(int width, int height, int seed)
    {
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = (byte)((x * (seed + 1) / 3 + (y * 2) + (seed * 37)) % 256);
            }
        }

        return pixels;
    }
}
