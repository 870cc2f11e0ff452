namespace VNCH.Network.Signals;

/// <summary>Normal deviates from a seeded <see cref="Random"/>, so synthetic data (signals, images) is reproducible.</summary>
public static class RandomExtensions
{
    /// <summary>A standard normal deviate (Box–Muller).</summary>
    public static double NextGaussian(this Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
