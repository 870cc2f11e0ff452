using System.Buffers;

namespace VNCH.Network.Dicom.Imaging.Codecs;

/// <summary>
/// libjpeg's default "fancy" chroma upsampling (triangle filter, jdsample.c h2v1/h2v2), so that 4:2:2 and 4:2:0
/// JPEG images decode like the libjpeg-based toolkits the hospitals and our reference use, instead of the blockier
/// pixel replication JpegLibrary applies. Works in place on an interleaved 8-bit buffer whose subsampled component
/// holds replicated values: the subsampled plane is read back from the even positions first.
/// </summary>
internal static class ChromaUpsampling
{
    public static void Fancy(Span<byte> interleaved, int width, int height, int component, int verticalFactor)
    {
        const int Components = 3;
        var subWidth = (width + 1) / 2;
        var subHeight = verticalFactor == 2 ? (height + 1) / 2 : height;
        var plane = ArrayPool<byte>.Shared.Rent(subWidth * subHeight);
        var sums = ArrayPool<int>.Shared.Rent(subWidth);
        try
        {
            var stride = width * Components;
            for (var cy = 0; cy < subHeight; cy++)
            {
                var row = interleaved[(cy * verticalFactor * stride)..];
                for (var cx = 0; cx < subWidth; cx++)
                {
                    plane[(cy * subWidth) + cx] = row[(cx * 2 * Components) + component];
                }
            }

            for (var y = 0; y < height; y++)
            {
                var output = interleaved[(y * stride)..];
                if (verticalFactor == 1)
                {
                    H2V1Row(plane.AsSpan(y * subWidth, subWidth), output, width, component);
                    continue;
                }

                // Nearest chroma row, and the next nearest above (even rows) or below (odd rows); edges replicate.
                var nearest = y / 2;
                var other = Math.Clamp((y % 2 == 0) ? nearest - 1 : nearest + 1, 0, subHeight - 1);
                var near = plane.AsSpan(nearest * subWidth, subWidth);
                var far = plane.AsSpan(other * subWidth, subWidth);
                for (var cx = 0; cx < subWidth; cx++)
                {
                    sums[cx] = (near[cx] * 3) + far[cx];
                }

                H2V2Row(sums.AsSpan(0, subWidth), output, width, component);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(plane);
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    private static void H2V1Row(ReadOnlySpan<byte> input, Span<byte> output, int width, int component)
    {
        var n = input.Length;
        for (var i = 0; i < n; i++)
        {
            int value = input[i];
            var left = i == 0 ? value : (value * 3 + input[i - 1] + 1) >> 2;
            var right = i == n - 1 ? value : (value * 3 + input[i + 1] + 2) >> 2;
            Put(output, 2 * i, width, component, left);
            Put(output, (2 * i) + 1, width, component, right);
        }
    }

    private static void H2V2Row(ReadOnlySpan<int> sums, Span<byte> output, int width, int component)
    {
        var n = sums.Length;
        for (var i = 0; i < n; i++)
        {
            var value = sums[i];
            var left = i == 0 ? ((value * 4) + 8) >> 4 : ((value * 3) + sums[i - 1] + 8) >> 4;
            var right = i == n - 1 ? ((value * 4) + 7) >> 4 : ((value * 3) + sums[i + 1] + 7) >> 4;
            Put(output, 2 * i, width, component, left);
            Put(output, (2 * i) + 1, width, component, right);
        }
    }

    private static void Put(Span<byte> row, int x, int width, int component, int value)
    {
        if (x < width)
        {
            row[(x * 3) + component] = (byte)value;
        }
    }
}
