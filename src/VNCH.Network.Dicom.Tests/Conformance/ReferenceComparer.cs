using System.Globalization;
using System.Text;
using System.Text.Json;
using VNCH.Network.Dicom;

namespace VNCH.Network.Dicom.Tests.Conformance;

/// <summary>
/// Compares one of our data sets with a reference JSON written by pydicom 2.3.1 (see reference/README.md for the
/// schema): every element's VR and value, numbers as numbers, text as decoded Unicode, PN as str(PersonName),
/// binary as hex, sequences by item count.
/// </summary>
internal static class ReferenceComparer
{
    public static IEnumerable<string> Compare(DicomDataset ours, JsonElement reference, bool skipPixelData)
    {
        var seen = new HashSet<uint>();
        foreach (var property in reference.EnumerateObject())
        {
            var tag = uint.Parse(property.Name, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            seen.Add(tag);
            if (!ours.TryGetElement(new DicomTag(tag), out var element))
            {
                yield return $"{new DicomTag(tag)} missing";
                continue;
            }

            foreach (var difference in CompareElement(ours, element, property.Value))
            {
                yield return $"{new DicomTag(tag)} {difference}";
            }
        }

        foreach (var element in ours)
        {
            if (!seen.Contains(element.Tag.Value) && !(skipPixelData && element.Tag == DicomTags.PixelData))
            {
                yield return $"{element.Tag} extra (not in the reference)";
            }
        }
    }

    private static IEnumerable<string> CompareElement(DicomDataset ds, DicomElement element, JsonElement reference)
    {
        // pydicom 2.3.1 sometimes writes its enum repr ("VR.LO") instead of the code.
        var refVR = reference.GetProperty("vr").GetString()?.Replace("VR.", string.Empty, StringComparison.Ordinal);
        if (refVR != element.VR.ToString())
        {
            yield return $"VR {element.VR} vs reference {refVR}";
            yield break;
        }

        if (reference.TryGetProperty("error", out _))
        {
            yield break; // pydicom could not convert the value: nothing to compare it with (counted separately)
        }

        if (reference.TryGetProperty("value_hex", out var hex))
        {
            var ourHex = Convert.ToHexString(element.RawValue.Span).ToLowerInvariant();
            if (!string.Equals(ourHex, hex.GetString(), StringComparison.OrdinalIgnoreCase))
            {
                yield return $"bytes {Shorten(ourHex)} vs reference {Shorten(hex.GetString()!)}";
            }

            yield break;
        }

        if (!reference.TryGetProperty("value", out var value))
        {
            // Long values carry only the length; compare it for defined lengths.
            var refLength = reference.GetProperty("length").GetUInt32();
            if (element.VR != DicomVR.SQ && refLength != element.Length && element.Length != DicomElement.UndefinedLength)
            {
                yield return $"length {element.Length} vs reference {refLength}";
            }

            yield break;
        }

        var ours = OurValue(ds, element);
        if (!ValuesEqual(ours, value))
        {
            yield return $"value {Shorten(JsonSerializer.Serialize(ours))} vs reference {Shorten(value.GetRawText())}";
        }
    }

    /// <summary>Our value in the reference's shape: scalar for VM 1, list otherwise.</summary>
    public static object? OurValue(DicomDataset ds, DicomElement element)
    {
        var vr = element.VR;
        if (vr == DicomVR.SQ)
        {
            return element.Items?.Count ?? 0;
        }

        if (vr == DicomVR.AT)
        {
            var tags = ds.GetTags(element.Tag).Select(t => (object?)t.Value.ToString("X8", CultureInfo.InvariantCulture)).ToList();
            return Shape(tags, string.Empty);
        }

        if (!DicomVRInfo.IsString(vr) && element.RawValue.IsEmpty)
        {
            return null; // pydicom: an empty binary value is None
        }

        if (DicomVRInfo.BinaryItemSize(vr) > 0)
        {
            var numbers = ds.GetDoubles(element.Tag).Select(d => (object?)d).ToList();
            return numbers.Count == 0 ? null : Shape(numbers, null);
        }

        if (vr == DicomVR.PN)
        {
            var names = ds.GetPersonNames(element.Tag).Select(p => (object?)p.ToString()).ToList();
            return Shape(names, string.Empty);
        }

        var strings = ds.GetStrings(element.Tag);
        if (vr is DicomVR.IS or DicomVR.DS)
        {
            if (strings.Length == 1 && strings[0].Length == 0)
            {
                return null; // pydicom: an empty IS/DS is None
            }

            return Shape(strings.Select(s => (object?)(double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : s)).ToList(), string.Empty);
        }

        return Shape(strings.Select(s => (object?)s).ToList(), string.Empty);
    }

    private static object? Shape(List<object?> values, object? empty) => values.Count switch
    {
        0 => empty,
        1 => values[0],
        _ => values,
    };

    private static bool ValuesEqual(object? ours, JsonElement reference)
    {
        // Where pydicom reported its enum repr "VR.SQ", the reference script missed its SQ branch and dumped each
        // item as text: the number of items is the length of that list.
        if (ours is int itemCount && reference.ValueKind == JsonValueKind.Array)
        {
            return itemCount == reference.GetArrayLength() && reference.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String);
        }

        switch (reference.ValueKind)
        {
            case JsonValueKind.Null:
                return ours is null;
            case JsonValueKind.Array:
                if (ours is not List<object?> list || list.Count != reference.GetArrayLength())
                {
                    return false;
                }

                var i = 0;
                foreach (var item in reference.EnumerateArray())
                {
                    if (!ValuesEqual(list[i++], item))
                    {
                        return false;
                    }
                }

                return true;
            case JsonValueKind.Number:
                return ours is double d ? NumbersEqual(d, reference.GetDouble()) : ours is int n && n == reference.GetInt32();
            case JsonValueKind.String:
                var s = reference.GetString();
                if (ours is double dv)
                {
                    return s switch
                    {
                        "NaN" => double.IsNaN(dv),
                        "Infinity" => double.IsPositiveInfinity(dv),
                        "-Infinity" => double.IsNegativeInfinity(dv),
                        _ => false,
                    };
                }

                return ours is string os && os == s;
            default:
                return false;
        }
    }

    private static bool NumbersEqual(double a, double b) => a == b || Math.Abs(a - b) <= 1e-9 * Math.Max(Math.Abs(a), Math.Abs(b));

    private static string Shorten(string s) => s.Length > 120 ? s[..120] + "…" : s;
}
