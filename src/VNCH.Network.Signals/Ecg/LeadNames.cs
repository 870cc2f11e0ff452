namespace VNCH.Network.Signals.Ecg;

/// <summary>
/// Lead naming across formats: DICOM code meanings ("Lead II", "Lead I (Einthoven)"), HL7 aECG MDC codes
/// ("MDC_ECG_LEAD_AVR"), WFDB descriptions ("ii", "MLII"). Everything is mapped to the conventional short name.
/// </summary>
public static class LeadNames
{
    private static readonly string[] Standard = ["I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6"];

    public static IReadOnlyList<string> TwelveLead => Standard;

    /// <summary>Maps a source lead label to its conventional short name; unknown labels come back trimmed.</summary>
    public static string Normalize(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var text = label.Trim();
        if (text.StartsWith("MDC_ECG_LEAD_", StringComparison.OrdinalIgnoreCase))
        {
            text = text["MDC_ECG_LEAD_".Length..];
        }
        else if (text.StartsWith("Lead ", StringComparison.OrdinalIgnoreCase))
        {
            text = text["Lead ".Length..];
        }

        // "I (Einthoven)", "II (Einthoven)", "aVR (Goldberger)" → first token.
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && text.IndexOf('(', StringComparison.Ordinal) > space)
        {
            text = text[..space];
        }

        foreach (var name in Standard)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                return name;
            }
        }

        return text;
    }

    public static bool IsStandard(string label) => Standard.Contains(Normalize(label), StringComparer.Ordinal);
}
