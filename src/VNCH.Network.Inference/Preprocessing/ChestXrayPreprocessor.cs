using VNCH.Network.Inference.Manifests;

namespace VNCH.Network.Inference.Preprocessing;

/// <summary>
/// Turns a display-ready 8-bit grayscale image (Modality/VOI LUT applied, MONOCHROME1 already inverted, any size)
/// into the model input, repeating how PneumoniaMNIST was made from the Kermany JPEGs: center crop to a square on the
/// short edge, antialiased resize to 28×28, rounding to 8 bits (the data set is uint8), then scaling to the
/// network's range. A 28×28 input passes through unchanged apart from the scaling, so the data set's own images
/// take the same path as DICOM pixels.
/// </summary>
public sealed class ChestXrayPreprocessor
{
    private readonly ImagePreprocessingSpec spec;
    private readonly Gray8Resampler.Filter filter;

    public ChestXrayPreprocessor(ImagePreprocessingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Kind != PreprocessingKinds.CenterCropResizeGray8)
        {
            throw new ArgumentException($"Preprocessing '{spec.Kind}' is not '{PreprocessingKinds.CenterCropResizeGray8}'.", nameof(spec));
        }

        this.spec = spec;
        filter = spec.Filter switch
        {
            ResampleFilters.Bilinear => Gray8Resampler.Filter.Bilinear,
            ResampleFilters.Bicubic => Gray8Resampler.Filter.Bicubic,
            _ => throw new ArgumentException($"Resampling filter '{spec.Filter}' is not supported.", nameof(spec)),
        };
    }

    public int OutputWidth => spec.Width;

    public int OutputHeight => spec.Height;

    /// <summary>Number of floats for one image ([1, 1, H, W]).</summary>
    public int TensorLength => spec.Width * spec.Height;

    /// <summary>Center crop and resize only: the 8-bit image the network sees (before scaling).</summary>
    public void CropAndResize(ReadOnlySpan<byte> gray8, int width, int height, Span<byte> destination)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentException($"Image size {width}x{height} is not positive.");
        }

        if ((long)width * height != gray8.Length)
        {
            throw new ArgumentException($"A {width}x{height} gray8 image needs {(long)width * height} bytes, got {gray8.Length}.", nameof(gray8));
        }

        if (destination.Length != TensorLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes, {TensorLength} needed.", nameof(destination));
        }

        if (width == spec.Width && height == spec.Height)
        {
            gray8.CopyTo(destination);
            return;
        }

        var side = Math.Min(width, height);
        Gray8Resampler.Resize(gray8, width, height, (width - side) / 2, (height - side) / 2, side, side,
            destination, spec.Width, spec.Height, filter);
    }

    /// <summary>Writes the model input for one image into <paramref name="destination"/> (length <see cref="TensorLength"/>).</summary>
    public void Preprocess(ReadOnlySpan<byte> gray8, int width, int height, Span<float> destination)
    {
        if (destination.Length != TensorLength)
        {
            throw new ArgumentException($"Destination holds {destination.Length} floats, {TensorLength} needed.", nameof(destination));
        }

        Span<byte> resized = TensorLength <= 4096 ? stackalloc byte[TensorLength] : new byte[TensorLength];
        CropAndResize(gray8, width, height, resized);
        var scale = (float)spec.Scale;
        var offset = (float)spec.Offset;
        for (var i = 0; i < resized.Length; i++)
        {
            destination[i] = (resized[i] * scale) + offset;
        }
    }

    public float[] Preprocess(ReadOnlySpan<byte> gray8, int width, int height)
    {
        var tensor = new float[TensorLength];
        Preprocess(gray8, width, height, tensor);
        return tensor;
    }
}
