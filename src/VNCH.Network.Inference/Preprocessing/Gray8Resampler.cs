namespace VNCH.Network.Inference.Preprocessing;

/// <summary>
/// Separable 8-bit resampling with the semantics of Pillow's <c>Image.resize</c> (libImaging/Resample.c): the kernel
/// is widened by the shrink factor (antialiasing), coefficients are 22-bit fixed point, the horizontal pass runs
/// first into an 8-bit intermediate. Matching Pillow matters because the training images were made with it.
/// </summary>
public static class Gray8Resampler
{
    private const int PrecisionBits = 32 - 8 - 2;

    public enum Filter
    {
        Bilinear,
        Bicubic,
    }

    /// <summary>Resizes the <paramref name="cropWidth"/>×<paramref name="cropHeight"/> region at
    /// (<paramref name="cropX"/>, <paramref name="cropY"/>) of a row-major gray8 image to outWidth×outHeight.</summary>
    public static void Resize(
        ReadOnlySpan<byte> source, int width, int height,
        int cropX, int cropY, int cropWidth, int cropHeight,
        Span<byte> destination, int outWidth, int outHeight, Filter filter)
    {
        if (cropX < 0 || cropY < 0 || cropWidth < 1 || cropHeight < 1 || cropX + cropWidth > width || cropY + cropHeight > height)
        {
            throw new ArgumentOutOfRangeException(nameof(cropX), $"Crop {cropWidth}x{cropHeight} at ({cropX},{cropY}) is outside the {width}x{height} image.");
        }

        if (destination.Length < outWidth * outHeight)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes, {outWidth * outHeight} needed.", nameof(destination));
        }

        var horizontal = Coefficients.For(cropWidth, outWidth, filter);
        var vertical = Coefficients.For(cropHeight, outHeight, filter);

        // Horizontal pass over the crop rows into an 8-bit intermediate, exactly like Pillow.
        var intermediate = new byte[outWidth * cropHeight];
        for (var y = 0; y < cropHeight; y++)
        {
            var row = source.Slice(((cropY + y) * width) + cropX, cropWidth);
            for (var x = 0; x < outWidth; x++)
            {
                var sum = 1 << (PrecisionBits - 1);
                var start = horizontal.Start[x];
                var weights = horizontal.WeightsFor(x);
                for (var k = 0; k < weights.Length; k++)
                {
                    sum += row[start + k] * weights[k];
                }

                intermediate[(y * outWidth) + x] = Clip8(sum);
            }
        }

        for (var y = 0; y < outHeight; y++)
        {
            var start = vertical.Start[y];
            var weights = vertical.WeightsFor(y);
            for (var x = 0; x < outWidth; x++)
            {
                var sum = 1 << (PrecisionBits - 1);
                for (var k = 0; k < weights.Length; k++)
                {
                    sum += intermediate[((start + k) * outWidth) + x] * weights[k];
                }

                destination[(y * outWidth) + x] = Clip8(sum);
            }
        }
    }

    private static byte Clip8(int sum)
    {
        var v = sum >> PrecisionBits;
        return (byte)Math.Clamp(v, 0, 255);
    }

    private static double Kernel(Filter filter, double x)
    {
        x = Math.Abs(x);
        switch (filter)
        {
            case Filter.Bilinear:
                return x < 1.0 ? 1.0 - x : 0.0;
            default:
                const double a = -0.5;
                if (x < 1.0)
                {
                    return ((((a + 2.0) * x) - (a + 3.0)) * x * x) + 1;
                }

                return x < 2.0 ? ((((a * x) - (5.0 * a)) * x) + (8.0 * a)) * x - (4.0 * a) : 0.0;
        }
    }

    /// <summary>Per output pixel: first input index and fixed-point weights (Pillow's precompute_coeffs).</summary>
    private sealed class Coefficients
    {
        private readonly int[] weights;
        private readonly int[] counts;
        private readonly int stride;

        private Coefficients(int[] start, int[] counts, int[] weights, int stride)
        {
            Start = start;
            this.counts = counts;
            this.weights = weights;
            this.stride = stride;
        }

        public int[] Start { get; }

        public ReadOnlySpan<int> WeightsFor(int output) => weights.AsSpan(output * stride, counts[output]);

        public static Coefficients For(int inSize, int outSize, Filter filter)
        {
            var support = filter == Filter.Bilinear ? 1.0 : 2.0;
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            support *= filterScale;
            var stride = ((int)Math.Ceiling(support) * 2) + 1;
            var start = new int[outSize];
            var counts = new int[outSize];
            var weights = new int[outSize * stride];
            var k = new double[stride];
            for (var xx = 0; xx < outSize; xx++)
            {
                var center = (xx + 0.5) * scale;
                var xmin = Math.Max((int)(center - support + 0.5), 0);
                var xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
                var total = 0.0;
                for (var x = 0; x < xmax; x++)
                {
                    k[x] = Kernel(filter, (x + xmin - center + 0.5) / filterScale);
                    total += k[x];
                }

                for (var x = 0; x < xmax; x++)
                {
                    var w = total != 0.0 ? k[x] / total : 0.0;
                    weights[(xx * stride) + x] = (int)(w < 0 ? -0.5 + (w * (1 << PrecisionBits)) : 0.5 + (w * (1 << PrecisionBits)));
                }

                start[xx] = xmin;
                counts[xx] = xmax;
            }

            return new Coefficients(start, counts, weights, stride);
        }
    }
}
