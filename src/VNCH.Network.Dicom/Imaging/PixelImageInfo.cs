namespace VNCH.Network.Dicom.Imaging;

/// <summary>How the samples of a pixel data element are typed once decoded (mirrors what numpy-based tools use).</summary>
public enum PixelSampleType
{
    UInt8,
    Int8,
    UInt16,
    Int16,
    UInt32,
    Int32,
    Float32,
    Float64,
}

/// <summary>
/// The Image Pixel module attributes (PS3.3 C.7.6.3) that say how the pixel data is laid out.
/// <see cref="IsFloat"/> is true for Float Pixel Data (7FE0,0008) and Double Float Pixel Data (7FE0,0009).
/// </summary>
public sealed record PixelImageInfo(
    int Rows,
    int Columns,
    int SamplesPerPixel,
    int BitsAllocated,
    int BitsStored,
    int HighBit,
    int PixelRepresentation,
    string PhotometricInterpretation,
    int PlanarConfiguration = 0,
    int NumberOfFrames = 1,
    bool IsFloat = false)
{
    public int PixelsPerFrame => Rows * Columns;

    public int SamplesPerFrame => Rows * Columns * SamplesPerPixel;

    public bool IsSigned => PixelRepresentation == 1;

    /// <summary>YBR_FULL_422 stores two luma samples and one chroma pair per two pixels (PS3.3 C.7.6.3.1.2).</summary>
    public bool IsHorizontallySubsampled => PhotometricInterpretation == Photometric.YbrFull422;

    /// <summary>Decoded samples are never packed below one byte: 1-bit data unpacks to one byte per pixel.</summary>
    public PixelSampleType SampleType => (BitsAllocated, IsFloat, IsSigned) switch
    {
        (32, true, _) => PixelSampleType.Float32,
        (64, true, _) => PixelSampleType.Float64,
        (1, _, _) => PixelSampleType.UInt8,
        (8, _, false) => PixelSampleType.UInt8,
        (8, _, true) => PixelSampleType.Int8,
        (16, _, false) => PixelSampleType.UInt16,
        (16, _, true) => PixelSampleType.Int16,
        (32, _, false) => PixelSampleType.UInt32,
        (32, _, true) => PixelSampleType.Int32,
        _ => throw new DicomPixelDataException($"unsupported Bits Allocated {BitsAllocated} (Pixel Representation {PixelRepresentation})"),
    };

    /// <summary>Bytes of one sample once decoded.</summary>
    public int BytesPerDecodedSample => BitsAllocated == 1 ? 1 : BitsAllocated / 8;

    /// <summary>Bytes of one decoded frame, computed in 64-bit so hostile dimensions cannot overflow.</summary>
    public long DecodedFrameBytes => (long)Rows * Columns * SamplesPerPixel * BytesPerDecodedSample;

    /// <summary>Bits of one frame as stored natively (before any chroma upsampling); 1-bit frames need not be byte aligned.</summary>
    public long NativeFrameBits
    {
        get
        {
            long samples = (long)Rows * Columns * SamplesPerPixel;
            if (IsHorizontallySubsampled)
            {
                samples = (long)Rows * Columns * 2; // Y Y Cb Cr for every two pixels
            }

            return samples * BitsAllocated;
        }
    }

    /// <summary>
    /// Checks that the attributes are coherent and the decoded frames fit the limits, before anything is allocated:
    /// the reader's geometry check (sizes, frame count, decoded bytes per frame and in all) plus what decoding needs.
    /// </summary>
    public void Validate(PixelDecodingLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        PixelDataLimits.CheckFrameGeometry(
            Rows, Columns, NumberOfFrames, SamplesPerPixel, BitsAllocated is 1 ? 8 : BitsAllocated, limits.MaxDecodedFrameBytes, limits.MaxDecodedImageBytes);

        if (SamplesPerPixel is not (1 or 3))
        {
            throw new DicomPixelDataException($"unsupported Samples per Pixel {SamplesPerPixel} (1 or 3 expected)");
        }

        if (IsFloat ? BitsAllocated is not (32 or 64) : BitsAllocated is not (1 or 8 or 16 or 32))
        {
            throw new DicomPixelDataException($"unsupported Bits Allocated {BitsAllocated}");
        }

        if (!IsFloat && (BitsStored < 1 || BitsStored > BitsAllocated || HighBit < BitsStored - 1 || HighBit >= BitsAllocated))
        {
            throw new DicomPixelDataException(
                $"inconsistent Bits Stored {BitsStored} / High Bit {HighBit} for Bits Allocated {BitsAllocated}");
        }

        if (PixelRepresentation is not (0 or 1))
        {
            throw new DicomPixelDataException($"invalid Pixel Representation {PixelRepresentation}");
        }

        if (SamplesPerPixel == 3 && BitsAllocated == 1)
        {
            throw new DicomPixelDataException("1-bit pixel data with 3 samples per pixel is not defined");
        }

        if (IsHorizontallySubsampled && (SamplesPerPixel != 3 || Columns % 2 != 0))
        {
            throw new DicomPixelDataException($"YBR_FULL_422 needs 3 samples and an even number of columns (got {Columns})");
        }
    }
}

/// <summary>Bounds checked before any pixel buffer is allocated (hostile headers must not exhaust memory).</summary>
public sealed record PixelDecodingLimits
{
    public static PixelDecodingLimits Default { get; } = new();

    /// <summary>Largest decoded frame accepted; 256 MiB holds a 8192 x 8192 RGB 16-bit frame.</summary>
    public long MaxDecodedFrameBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Largest sum over all frames of one object (frames are decoded one at a time, this bounds declared sizes).</summary>
    public long MaxDecodedImageBytes { get; init; } = 16L * 1024 * 1024 * 1024;
}

/// <summary>Photometric Interpretation defined terms (PS3.3 C.7.6.3.1.2).</summary>
public static class Photometric
{
    public const string Monochrome1 = "MONOCHROME1";
    public const string Monochrome2 = "MONOCHROME2";
    public const string PaletteColor = "PALETTE COLOR";
    public const string Rgb = "RGB";
    public const string YbrFull = "YBR_FULL";
    public const string YbrFull422 = "YBR_FULL_422";
    public const string YbrPartial420 = "YBR_PARTIAL_420";
    public const string YbrIct = "YBR_ICT";
    public const string YbrRct = "YBR_RCT";

    public static bool IsMonochrome(string photometric) => photometric is Monochrome1 or Monochrome2;
}
