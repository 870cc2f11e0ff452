namespace VNCH.Network.Dicom;

/// <summary>Sanity checks on image geometry before anything is allocated for pixels.</summary>
public static class PixelDataLimits
{
    /// <summary>Default ceiling for one decoded frame (1 GiB).</summary>
    public const long DefaultMaxFrameBytes = 1L << 30;

    /// <summary>Default ceiling for all decoded frames together (4 GiB).</summary>
    public const long DefaultMaxTotalBytes = 4L << 30;

    /// <summary>
    /// Validates rows × columns × samples × bits and the frame count and returns the size of one frame in bytes;
    /// throws <see cref="DicomFormatException"/> for absurd values (zero, negative, or beyond the ceilings).
    /// </summary>
    public static long CheckFrameGeometry(int rows, int columns, int frames, int samplesPerPixel, int bitsAllocated,
        long maxFrameBytes = DefaultMaxFrameBytes, long maxTotalBytes = DefaultMaxTotalBytes)
    {
        if (rows <= 0 || columns <= 0)
        {
            throw new DicomFormatException($"Image size {rows}×{columns} is not positive.", DicomTags.Rows);
        }

        if (frames <= 0 || frames > 1_000_000)
        {
            throw new DicomFormatException($"Number of frames {frames} is out of range (1..1000000).", DicomTags.NumberOfFrames);
        }

        if (samplesPerPixel is not (1 or 3 or 4))
        {
            throw new DicomFormatException($"Samples per pixel {samplesPerPixel} is not 1, 3 or 4.", DicomTags.SamplesPerPixel);
        }

        if (bitsAllocated is not (1 or 8 or 16 or 32 or 64))
        {
            throw new DicomFormatException($"Bits allocated {bitsAllocated} is not 1, 8, 16, 32 or 64.", DicomTags.BitsAllocated);
        }

        var bits = (long)rows * columns * samplesPerPixel * bitsAllocated;
        var frameBytes = (bits + 7) / 8;
        if (frameBytes > maxFrameBytes)
        {
            throw new DicomFormatException(
                $"One frame of {rows}×{columns}×{samplesPerPixel}×{bitsAllocated} bits needs {frameBytes} bytes, above the limit of {maxFrameBytes}.", DicomTags.Rows);
        }

        if (frameBytes * frames > maxTotalBytes)
        {
            throw new DicomFormatException(
                $"{frames} frames of {frameBytes} bytes exceed the limit of {maxTotalBytes} bytes.", DicomTags.NumberOfFrames);
        }

        return frameBytes;
    }
}
