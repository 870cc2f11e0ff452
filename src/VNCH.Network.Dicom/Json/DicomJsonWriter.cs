using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VNCH.Network.Dicom.Json;

/// <summary>Where a binary value sits in the data set, for building its BulkDataURI.</summary>
/// <param name="Path">Tags and item indexes from the top level, e.g. <c>7FE00010</c> or <c>00540016/0/00181072</c>.</param>
/// <param name="Element">The element itself.</param>
public readonly record struct DicomBulkDataReference(string Path, DicomElement Element);

public sealed class DicomJsonOptions
{
    /// <summary>
    /// Gives the BulkDataURI of a binary value (OB, OD, OF, OL, OV, OW, UN) that is not loaded, encapsulated, or longer
    /// than <see cref="InlineBinaryLimit"/>. Without it, or when it answers null, such values are written with their VR
    /// only (PS3.18 F.2.5 allows leaving bulk data out).
    /// </summary>
    public Func<DicomBulkDataReference, string?>? BulkDataUri { get; init; }

    /// <summary>Binary values longer than this go to <see cref="BulkDataUri"/> (when set).</summary>
    public int InlineBinaryLimit { get; init; } = 1024;

    /// <summary>Writes only these top-level tags (QIDO return attributes); null writes every element.</summary>
    public IReadOnlySet<DicomTag>? Only { get; init; }
}

/// <summary>
/// The DICOM JSON Model (PS3.18 Annex F.2): one object per data set, keys are upper-case "GGGGEEEE", each element
/// has its "vr" and, when not empty, a "Value" array (numbers for DS, IS and the binary numbers; an object with
/// Alphabetic / Ideographic / Phonetic for PN; nested objects for SQ), or "InlineBinary" (base64, little endian),
/// or "BulkDataURI". Empty values inside a multi-valued element are null. NaN and infinities, which JSON cannot
/// hold, are written as the strings "NaN", "Infinity" and "-Infinity"; a DS or IS that is not a number is written
/// as its text rather than dropped.
/// </summary>
public static class DicomJsonWriter
{
    public static string Serialize(DicomDataset dataset, DicomJsonOptions? options = null)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, dataset, options);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Writes the data set as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions? options = null) =>
        WriteDataset(writer, dataset, options ?? Default, string.Empty, topLevel: true);

    /// <summary>Writes one element as a property of the object being written (for composing answers).</summary>
    public static void WriteElement(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element, DicomJsonOptions? options = null) =>
        WriteElement(writer, dataset, element, options ?? Default, Key(element.Tag));

    private static readonly DicomJsonOptions Default = new();

    public static string Key(DicomTag tag) => tag.Value.ToString("X8", CultureInfo.InvariantCulture);

    private static void WriteDataset(Utf8JsonWriter writer, DicomDataset dataset, DicomJsonOptions options, string path, bool topLevel)
    {
        writer.WriteStartObject();
        foreach (var element in dataset.AsSpan())
        {
            // Item delimiters and group lengths are encoding artefacts, not attributes (PS3.18 F.2.1).
            if (element.Tag.Group == 0xFFFE || (element.Tag.Element == 0 && element.Tag.Group != 0x0002)
                || (topLevel && options.Only is { } only && !only.Contains(element.Tag)))
            {
                continue;
            }

            var key = Key(element.Tag);
            WriteElement(writer, dataset, element, options, path.Length == 0 ? key : path + "/" + key);
        }

        writer.WriteEndObject();
    }

    private static void WriteElement(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element, DicomJsonOptions options, string path)
    {
        var vr = element.IsSequence ? DicomVR.SQ : element.VR == DicomVR.None ? DicomVR.UN : element.VR;
        writer.WritePropertyName(Key(element.Tag));
        writer.WriteStartObject();
        writer.WriteString("vr", vr.ToString());
        switch (vr)
        {
            case DicomVR.SQ:
                WriteSequence(writer, element, options, path);
                break;
            case DicomVR.PN:
                WritePersonNames(writer, dataset, element);
                break;
            case DicomVR.AT:
                WriteValues(writer, dataset.GetTags(element.Tag).Select(t => (string?)Key(t)).ToList());
                break;
            case DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.FD or DicomVR.SV or DicomVR.UV:
                WriteBinaryNumbers(writer, dataset, element, vr);
                break;
            case DicomVR.DS or DicomVR.IS:
                WriteDecimalStrings(writer, dataset, element, vr);
                break;
            case DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL or DicomVR.OV or DicomVR.OW or DicomVR.UN:
                WriteBinary(writer, dataset, element, vr, options, path);
                break;
            default:
                WriteValues(writer, element.RawValue.IsEmpty ? [] : dataset.GetStrings(element).Select(s => s.Length == 0 ? null : s).ToList());
                break;
        }

        writer.WriteEndObject();
    }

    private static void WriteSequence(Utf8JsonWriter writer, DicomElement element, DicomJsonOptions options, string path)
    {
        var items = element.Items ?? [];
        if (items.Count == 0)
        {
            return;
        }

        writer.WriteStartArray("Value");
        for (var i = 0; i < items.Count; i++)
        {
            WriteDataset(writer, items[i], options, path + "/" + i.ToString(CultureInfo.InvariantCulture), topLevel: false);
        }

        writer.WriteEndArray();
    }

    /// <summary>Text values; an empty element has no "Value", empty values among others are null.</summary>
    private static void WriteValues(Utf8JsonWriter writer, List<string?> values)
    {
        if (values.Count == 0 || values.All(v => v is null))
        {
            return;
        }

        writer.WriteStartArray("Value");
        foreach (var value in values)
        {
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteStringValue(value);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Each group as sent (components not normalised, so "^^^^" stays "^^^^"); empty groups left out.</summary>
    private static void WritePersonNames(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element)
    {
        var names = element.RawValue.IsEmpty ? [] : dataset.GetPersonNames(element.Tag).Select(n => n.Original.Split('=')).ToList();
        if (names.All(groups => groups.All(g => g.Length == 0)))
        {
            return;
        }

        writer.WriteStartArray("Value");
        foreach (var groups in names)
        {
            if (groups.All(g => g.Length == 0))
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            string[] keys = ["Alphabetic", "Ideographic", "Phonetic"];
            for (var i = 0; i < keys.Length && i < groups.Length; i++)
            {
                if (groups[i].Length > 0)
                {
                    writer.WriteString(keys[i], groups[i]);
                }
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteBinaryNumbers(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element, DicomVR vr)
    {
        var raw = element.RawValue.Span;
        var size = DicomVRInfo.BinaryItemSize(vr);
        var count = raw.Length / size;
        if (count == 0)
        {
            return;
        }

        var big = dataset.IsBigEndian;
        writer.WriteStartArray("Value");
        for (var i = 0; i < count; i++)
        {
            var b = raw.Slice(i * size, size);
            switch (vr)
            {
                case DicomVR.SV:
                    writer.WriteNumberValue(big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b));
                    break;
                case DicomVR.UV:
                    writer.WriteNumberValue(big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b));
                    break;
                case DicomVR.FL:
                    WriteFloat(writer, big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b));
                    break;
                case DicomVR.FD:
                    WriteDouble(writer, big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b));
                    break;
                default:
                    writer.WriteNumberValue((long)dataset.ReadBinaryNumber(vr, b));
                    break;
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteFloat(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value); // shortest text that reads back as the same float
        }
        else
        {
            writer.WriteStringValue(NonFinite(value));
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(NonFinite(value));
        }
    }

    private static string NonFinite(double value) => double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";

    private static void WriteDecimalStrings(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element, DicomVR vr)
    {
        var values = element.RawValue.IsEmpty ? [] : dataset.GetStrings(element);
        if (values.All(v => v.Trim().Length == 0))
        {
            return;
        }

        writer.WriteStartArray("Value");
        foreach (var text in values.Select(v => v.Trim()))
        {
            if (text.Length == 0)
            {
                writer.WriteNullValue();
            }
            else if (vr == DicomVR.IS && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
            {
                writer.WriteNumberValue(integer);
            }
            else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                writer.WriteStringValue(text); // not a number: kept as found rather than lost
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteBinary(Utf8JsonWriter writer, DicomDataset dataset, DicomElement element, DicomVR vr, DicomJsonOptions options, string path)
    {
        var bulk = !element.IsValueLoaded || element.Fragments is not null || element.RawValue.Length > options.InlineBinaryLimit;
        if (bulk && options.BulkDataUri?.Invoke(new DicomBulkDataReference(path, element)) is { } uri)
        {
            writer.WriteString("BulkDataURI", uri);
            return;
        }

        if (bulk || element.RawValue.IsEmpty)
        {
            return; // bulk data without a location: the VR only
        }

        writer.WriteBase64String("InlineBinary", LittleEndianBytes(dataset, element, vr));
    }

    /// <summary>The value's bytes in little endian, as PS3.18 F.2.7 requires (big-endian sources swapped per word).</summary>
    public static ReadOnlySpan<byte> LittleEndianBytes(DicomDataset dataset, DicomElement element, DicomVR vr)
    {
        var raw = element.RawValue.Span;
        var size = vr is DicomVR.OB or DicomVR.UN ? 1 : DicomVRInfo.BinaryItemSize(vr);
        if (!dataset.IsBigEndian || size <= 1)
        {
            return raw;
        }

        var swapped = raw.ToArray();
        for (var i = 0; i + size <= swapped.Length; i += size)
        {
            swapped.AsSpan(i, size).Reverse();
        }

        return swapped;
    }
}
