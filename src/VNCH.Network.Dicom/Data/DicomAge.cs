using System.Globalization;

namespace VNCH.Network.Dicom;

public enum DicomAgeUnit
{
    Days,
    Weeks,
    Months,
    Years,
}

/// <summary>An Age String (AS) value such as "018M": a number and a unit.</summary>
public readonly record struct DicomAge(int Value, DicomAgeUnit Unit)
{
    /// <summary>Approximate age in days (months as 30.4375 days, years as 365.25), for neonatal and pediatric bands.</summary>
    public double ToDays() => Unit switch
    {
        DicomAgeUnit.Days => Value,
        DicomAgeUnit.Weeks => Value * 7.0,
        DicomAgeUnit.Months => Value * 30.4375,
        _ => Value * 365.25,
    };

    public override string ToString() => Value.ToString("D3", CultureInfo.InvariantCulture) + Unit switch
    {
        DicomAgeUnit.Days => "D",
        DicomAgeUnit.Weeks => "W",
        DicomAgeUnit.Months => "M",
        _ => "Y",
    };

    /// <summary>Parses "nnnD|W|M|Y"; tolerant of missing leading zeros and surrounding spaces.</summary>
    public static bool TryParse(string? text, out DicomAge age)
    {
        age = default;
        var s = text?.Trim();
        if (string.IsNullOrEmpty(s) || s.Length < 2)
        {
            return false;
        }

        DicomAgeUnit? unit = char.ToUpperInvariant(s[^1]) switch
        {
            'D' => DicomAgeUnit.Days,
            'W' => DicomAgeUnit.Weeks,
            'M' => DicomAgeUnit.Months,
            'Y' => DicomAgeUnit.Years,
            _ => null,
        };
        if (unit is null || !int.TryParse(s.AsSpan(0, s.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        age = new DicomAge(value, unit.Value);
        return true;
    }
}
