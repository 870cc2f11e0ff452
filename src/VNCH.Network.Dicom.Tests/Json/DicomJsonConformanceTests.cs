using System.Globalization;
using System.Text.Json;
using VNCH.Network.Dicom.Json;
using VNCH.Network.Dicom.Tests.Conformance;
using VNCH.Network.Testing;
using Xunit.Abstractions;

namespace VNCH.Network.Dicom.Tests.Json;

/// <summary>
/// Writes every object of the shared corpus as DICOM JSON (PS3.18 Annex F) and compares each top-level element with
/// the pydicom 2.3.1 reference dump, for every element on which our reader already agrees with the reference (the
/// reader's own differences are judged in <see cref="CorpusConformanceTests"/>): VR, numbers as JSON numbers, text
/// as decoded Unicode, PN groups, AT as GGGGEEEE, binary values byte for byte (little endian), sequences by item
/// count; long values by length or by their BulkDataURI.
/// </summary>
public sealed class DicomJsonConformanceTests(ITestOutputHelper output)
{
    private const int InlineLimit = 1024;

    [Fact]
    public void EveryElementOfTheCorpusWritesAsTheReferenceReadsIt()
    {
        var root = TestData.Directory("dicom");
        var catalog = File.ReadAllLines(Path.Combine(root, "CATALOG.tsv")).Skip(1).Select(l => l.Split('\t')[0]).ToList();
        int files = 0, compared = 0, bulk = 0, lengthOnly = 0, readerDiffers = 0, referenceErrors = 0;
        var failures = new List<string>();

        foreach (var relative in catalog)
        {
            using var json = Corpus.Reference(relative);
            var reference = json.RootElement;
            if (reference.GetProperty("parse").GetString() != "ok")
            {
                continue;
            }

            DicomFile file;
            try
            {
                file = DicomReader.ReadFile(Path.Combine(root, relative), new DicomReadOptions { PixelDataMode = PixelDataMode.Reference, TolerateTruncation = true });
            }
            catch (DicomException)
            {
                continue; // the reader's verdict is judged by CorpusConformanceTests
            }

            files++;
            var elements = reference.GetProperty("elements");
            var disagreed = ReferenceComparer.Compare(file.Dataset, elements, skipPixelData: true)
                .Select(d => d[..11]).ToHashSet(StringComparer.Ordinal);
            var text = DicomJsonWriter.Serialize(file.Dataset, new DicomJsonOptions
            {
                InlineBinaryLimit = InlineLimit,
                BulkDataUri = r => "bulk:" + r.Path,
            });
            using var ours = JsonDocument.Parse(text);

            if (file.Dataset.Contains(DicomTags.PixelData))
            {
                var pixel = ours.RootElement.GetProperty("7FE00010");
                if (!pixel.TryGetProperty("BulkDataURI", out var uri) || uri.GetString() != "bulk:7FE00010")
                {
                    failures.Add($"{relative}: pixel data is not a BulkDataURI: {pixel.GetRawText()[..Math.Min(80, pixel.GetRawText().Length)]}");
                }
            }

            foreach (var property in elements.EnumerateObject())
            {
                var tag = new DicomTag(uint.Parse(property.Name, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                if (disagreed.Contains(tag.ToString()))
                {
                    readerDiffers++;
                    continue;
                }

                if (property.Value.TryGetProperty("error", out _))
                {
                    referenceErrors++;
                    continue;
                }

                if (!ours.RootElement.TryGetProperty(property.Name, out var element))
                {
                    if (tag.Element == 0)
                    {
                        continue; // group lengths are encoding artefacts, not written (PS3.18 F.2.1)
                    }

                    failures.Add($"{relative} {tag}: missing from the JSON");
                    continue;
                }

                var verdict = CompareElement(file.Dataset, element, property.Value);
                switch (verdict)
                {
                    case Verdict.Equal:
                        compared++;
                        break;
                    case Verdict.Bulk:
                        bulk++;
                        break;
                    case Verdict.LengthOnly:
                        lengthOnly++;
                        break;
                    default:
                        failures.Add($"{relative} {tag}: ours {Shorten(element.GetRawText())} vs reference {Shorten(property.Value.GetRawText())}");
                        break;
                }
            }
        }

        output.WriteLine($"DICOM JSON against the pydicom reference: {files} files, {compared} elements equal, {bulk} as BulkDataURI, " +
            $"{lengthOnly} long values compared by length, {readerDiffers} skipped (reader differs, justified elsewhere), {referenceErrors} the reference could not convert");
        foreach (var failure in failures.Take(60))
        {
            output.WriteLine("DIFFER " + failure);
        }

        Assert.Equal(383, files);
        Assert.True(compared > 20_000, $"only {compared} elements compared");
        Assert.True(failures.Count == 0, $"{failures.Count} elements differ:\n" + string.Join("\n", failures.Take(40)));
    }

    private enum Verdict
    {
        Equal,
        Differ,
        Bulk,
        LengthOnly,
    }

    private static Verdict CompareElement(DicomDataset dataset, JsonElement ours, JsonElement reference)
    {
        var refVR = reference.GetProperty("vr").GetString()!.Replace("VR.", string.Empty, StringComparison.Ordinal);
        if (ours.GetProperty("vr").GetString() != refVR)
        {
            return Verdict.Differ;
        }

        if (ours.TryGetProperty("BulkDataURI", out _))
        {
            return reference.TryGetProperty("value_hex", out _) ? Verdict.Differ : Verdict.Bulk;
        }

        if (reference.TryGetProperty("value_hex", out var hex))
        {
            var expected = Convert.FromHexString(hex.GetString()!);
            if (dataset.IsBigEndian && refVR is not ("OB" or "UN"))
            {
                var size = refVR switch { "OW" => 2, "OF" or "OL" => 4, _ => 8 };
                for (var i = 0; i + size <= expected.Length; i += size)
                {
                    expected.AsSpan(i, size).Reverse();
                }
            }

            var actual = ours.TryGetProperty("InlineBinary", out var inline) ? inline.GetBytesFromBase64() : [];
            return actual.AsSpan().SequenceEqual(expected) ? Verdict.Equal : Verdict.Differ;
        }

        if (!reference.TryGetProperty("value", out var value))
        {
            // Long values: the reference keeps the length only.
            var length = reference.GetProperty("length").GetUInt32();
            if (ours.TryGetProperty("InlineBinary", out var inline) && length != DicomElement.UndefinedLength)
            {
                return inline.GetBytesFromBase64().Length == length ? Verdict.Equal : Verdict.Differ;
            }

            return Verdict.LengthOnly;
        }

        var values = ours.TryGetProperty("Value", out var array) ? array.EnumerateArray().ToList() : [];
        if (refVR == "SQ")
        {
            var count = value.ValueKind == JsonValueKind.Array ? value.GetArrayLength() : value.GetInt32();
            return values.Count == count && values.All(v => v.ValueKind == JsonValueKind.Object) ? Verdict.Equal : Verdict.Differ;
        }

        var normalised = values.Select(v => Normalise(v, refVR)).ToList();
        var shaped = normalised.Count switch
        {
            0 => refVR is "IS" or "DS" or "US" or "SS" or "UL" or "SL" or "FL" or "FD" or "SV" or "UV" or "OB" or "OW" or "OD" or "OF" or "OL" or "OV" or "UN" ? null : (object?)string.Empty,
            1 => normalised[0],
            _ => normalised,
        };
        return Same(shaped, value, refVR) ? Verdict.Equal : Verdict.Differ;
    }

    /// <summary>One JSON value in the reference's terms: PN back to str(PersonName), null text to "".</summary>
    private static object? Normalise(JsonElement v, string vr) => v.ValueKind switch
    {
        JsonValueKind.Null => vr is "IS" or "DS" ? null : string.Empty,
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Object => PersonName(v),
        _ => v.GetRawText(),
    };

    private static string PersonName(JsonElement name)
    {
        string Group(string key) => name.TryGetProperty(key, out var g) ? g.GetString()! : string.Empty;
        return string.Join('=', Group("Alphabetic"), Group("Ideographic"), Group("Phonetic")).TrimEnd('=');
    }

    private static bool Same(object? ours, JsonElement reference, string vr)
    {
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
                return reference.EnumerateArray().All(item => Same(list[i++], item, vr));
            case JsonValueKind.Number:
                if (ours is not double d)
                {
                    return false;
                }

                var r = reference.GetDouble();
                return vr == "FL" ? (float)d == (float)r : d == r || Math.Abs(d - r) <= 1e-12 * Math.Max(Math.Abs(d), Math.Abs(r));
            case JsonValueKind.String:
                var s = reference.GetString();
                return vr == "AT" ? string.Equals(ours as string, s, StringComparison.OrdinalIgnoreCase) : Equals(ours, s);
            default:
                return false;
        }
    }

    private static string Shorten(string s) => s.Length > 160 ? s[..160] + "…" : s;
}
