namespace VNCH.Network.Dicom.Imaging;

/// <summary>The grayscale transforms of PS3.3 C.11, as plain functions (tested against the standard's worked values).</summary>
public static class VoiTransforms
{
    /// <summary>Modality LUT (C.11.1): the LUT when present, otherwise rescale slope and intercept.</summary>
    public static double Modality(double stored, ImagePresentation presentation)
    {
        ArgumentNullException.ThrowIfNull(presentation);
        return presentation.ModalityLut is { } lut
            ? lut[stored]
            : (stored * presentation.RescaleSlope) + presentation.RescaleIntercept;
    }

    /// <summary>
    /// Window centre/width to [yMin, yMax] (C.11.2.1.2.1 LINEAR, C.11.2.1.3.2 LINEAR_EXACT, C.11.2.1.3.1 SIGMOID).
    /// </summary>
    public static double Window(double x, VoiWindow window, double yMin = 0, double yMax = 1)
    {
        ArgumentNullException.ThrowIfNull(window);
        var c = window.Center;
        var w = window.Width;
        switch (window.Function)
        {
            case VoiLutFunction.LinearExact:
                if (x <= c - (w / 2))
                {
                    return yMin;
                }

                if (x > c + (w / 2))
                {
                    return yMax;
                }

                return ((((x - c) / w) + 0.5) * (yMax - yMin)) + yMin;
            case VoiLutFunction.Sigmoid:
                return ((yMax - yMin) / (1 + Math.Exp(-4 * (x - c) / w))) + yMin;
            default:
                if (w <= 1)
                {
                    // Width 1 is a threshold at c - 0.5 (the standard's c=2048, w=1 example).
                    return x <= c - 0.5 ? yMin : yMax;
                }

                if (x <= c - 0.5 - ((w - 1) / 2))
                {
                    return yMin;
                }

                if (x > c - 0.5 + ((w - 1) / 2))
                {
                    return yMax;
                }

                return ((((x - (c - 0.5)) / (w - 1)) + 0.5) * (yMax - yMin)) + yMin;
        }
    }

    /// <summary>Checks a window against the constraints of C.11.2.1.2 / C.11.2.1.3 (LINEAR needs width &gt;= 1, others &gt; 0).</summary>
    public static bool IsValid(VoiWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return double.IsFinite(window.Center) && double.IsFinite(window.Width) &&
               (window.Function == VoiLutFunction.Linear ? window.Width >= 1 : window.Width > 0);
    }

    /// <summary>VOI LUT (C.11.2.1.1) normalised to [0, 1] by the entry range 2^bits - 1.</summary>
    public static double Lut(double x, LookupTable lut)
    {
        ArgumentNullException.ThrowIfNull(lut);
        return Math.Clamp(lut[x] / (double)lut.MaxEntryValue, 0, 1);
    }

    public static VoiLutFunction ParseFunction(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "LINEAR" => VoiLutFunction.Linear,
        "LINEAR_EXACT" => VoiLutFunction.LinearExact,
        "SIGMOID" => VoiLutFunction.Sigmoid,
        _ => throw new DicomPixelDataException($"unknown VOI LUT Function '{value}'"),
    };
}
