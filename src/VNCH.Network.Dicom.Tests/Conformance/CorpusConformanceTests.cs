using System.Diagnostics;
using System.Text;
using System.Text.Json;
using VNCH.Network.Dicom;
using VNCH.Network.Testing;
using Xunit.Abstractions;

namespace VNCH.Network.Dicom.Tests.Conformance;

/// <summary>
/// Reads every object of the shared corpus (dicom/CATALOG.tsv) and compares it, element by element, with the
/// pydicom 2.3.1 reference dumps (dicom/reference/*.json). Any difference not justified below fails the test.
/// </summary>
public sealed class CorpusConformanceTests(ITestOutputHelper output)
{
    /// <summary>
    /// Differences we accept, each with the reason. Key: "relative path|(gggg,eeee)", or "relative path|extra" for
    /// elements we read that pydicom lost.
    /// </summary>
    private static readonly Dictionary<string, string> Justified = new(StringComparer.Ordinal)
    {
        // (0028,0120) is written with the invalid VR "  " (20 20). PS3.5 7.1.2 gives a 2-byte length to every VR
        // but the listed long ones, and dcmtk reads it so ("assuming 2 byte length field"). pydicom 2.3.1 instead
        // reads a 4-byte length (139296), runs past the end of the file and swallows all later elements.
        // We follow dcmtk; the VR comes from the dictionary (US or SS → SS, PixelRepresentation 1) as in pydicom.
        ["fo-dicom/TestData/GH179A.dcm|(0028,0120)"] = "GH179A/B: invalid VR '  ' read with a 2-byte length like dcmtk; pydicom reads 4 bytes and swallows the rest of the file",
        ["fo-dicom/TestData/GH179B.dcm|(0028,0120)"] = "GH179A/B: invalid VR '  ' read with a 2-byte length like dcmtk; pydicom reads 4 bytes and swallows the rest of the file",
        ["fo-dicom/TestData/GH179A.dcm|extra"] = "GH179A/B: invalid VR '  ' read with a 2-byte length like dcmtk; pydicom reads 4 bytes and swallows the rest of the file",
        ["fo-dicom/TestData/GH179B.dcm|extra"] = "GH179A/B: invalid VR '  ' read with a 2-byte length like dcmtk; pydicom reads 4 bytes and swallows the rest of the file",

        // Implicit VR file whose private SQ (2005,140F) declares 256 bytes while its undefined-length item ends
        // with an item delimiter 4 bytes later. pydicom and dcmtk resume at the declared end, misread
        // "00 00 00 00 05 20 1A 14" as (0000,0000) with length 337256453 and lose the rest (dcmtk fails).
        // We close the item at its delimiter and read the following (2005,141A) and the pixel data intact.
        ["fo-dicom/TestData/GH626.dcm|(0000,0000)"] = "GH626: SQ length 4 bytes short of its item delimiter; pydicom/dcmtk misalign into a bogus (0000,0000), we resynchronise at the delimiter",
        ["fo-dicom/TestData/GH626.dcm|(2005,141A)"] = "GH626: SQ length 4 bytes short of its item delimiter; pydicom/dcmtk misalign into a bogus (0000,0000), we resynchronise at the delimiter",

        // Retired Curve Data (50xx,3000) is "OB or OW" in PS3.6. pydicom resolves the ambiguity only for overlay
        // data (60xx,3000) and reports the raw "OB or OW"; in implicit VR it can only be OW (PS3.5 A.1).
        ["fo-dicom/TestData/RI6XDosiGap.dcm|(5000,3000)"] = "pydicom leaves retired Curve Data (50xx,3000) as 'OB or OW'; implicit VR data is OW (PS3.5 A.1)",

        // ISO 2022 IR 58 (GB2312): pydicom 2.3.1 does not strip the ESC $ ) A designations before decoding and
        // returns "Zhang^XiaoDong=\u001b$)A张^\u001b$)A小东". PS3.5 6.1.2.5 makes the escape a designation, not
        // text; pydicom 3 and dcmtk give "Zhang^XiaoDong=张^小东" (asserted literally in CharacterSetTests).
        ["fo-dicom/TestData/charset/chrGB2312.dcm|(0010,0010)"] = "pydicom 2.3.1 keeps ISO 2022 IR 58 escape sequences in decoded text (fixed in pydicom 3)",
    };

    [Fact]
    public void EveryCorpusFileAgreesWithTheReference()
    {
        var root = TestData.Directory("dicom");
        var catalog = File.ReadAllLines(Path.Combine(root, "CATALOG.tsv")).Skip(1).Select(l => l.Split('\t')[0]).ToList();
        Assert.Equal(388, catalog.Count);

        int agree = 0, differ = 0, justifiedFiles = 0, refRejectedReadByUs = 0, refRejectedRejectedByUs = 0;
        var failures = new List<string>();
        var report = new StringBuilder();
        var reasons = new Dictionary<string, int>();
        var stopwatch = Stopwatch.StartNew();

        foreach (var relative in catalog)
        {
            var jsonPath = Path.Combine(root, "reference", relative.Replace("/", "__", StringComparison.Ordinal) + ".json");
            using var json = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            var reference = json.RootElement;
            var referenceParsed = reference.GetProperty("parse").GetString() == "ok";

            DicomFile? file = null;
            Exception? error = null;
            try
            {
                file = DicomReader.ReadFile(Path.Combine(root, relative), new DicomReadOptions { PixelDataMode = PixelDataMode.Reference, TolerateTruncation = true });
            }
            catch (Exception ex)
            {
                error = ex;
            }

            if (error is not null and not DicomException)
            {
                failures.Add($"{relative}: foreign exception {error.GetType().Name}: {error.Message}");
                differ++;
                continue;
            }

            if (!referenceParsed)
            {
                if (file is null)
                {
                    refRejectedRejectedByUs++;
                    report.AppendLine($"  reference rejects, we reject too: {relative}: {error!.Message}");
                }
                else
                {
                    refRejectedReadByUs++;
                    report.AppendLine($"  reference rejects ({reference.GetProperty("parse").GetString()}), we read it: {relative}");
                }

                continue;
            }

            if (file is null)
            {
                differ++;
                failures.Add($"{relative}: we failed: {error!.Message}");

                continue;
            }

            var differences = new List<string>();
            differences.AddRange(ReferenceComparer.Compare(file.FileMetaInformation, reference.GetProperty("meta"), skipPixelData: false).Select(d => "meta " + d));
            differences.AddRange(ReferenceComparer.Compare(file.Dataset, reference.GetProperty("elements"), skipPixelData: true));

            var unjustified = new List<string>();
            foreach (var d in differences)
            {
                var tagText = d.StartsWith("meta ", StringComparison.Ordinal) ? d[5..16] : d[..11];
                if (Justified.TryGetValue($"{relative}|{tagText}", out var why)
                    || (d.EndsWith("extra (not in the reference)", StringComparison.Ordinal) && Justified.TryGetValue($"{relative}|extra", out why)))
                {
                    reasons[why] = reasons.GetValueOrDefault(why) + 1;
                }
                else
                {
                    unjustified.Add(d);
                }
            }

            if (unjustified.Count == 0)
            {
                agree++;
                if (differences.Count > 0)
                {
                    justifiedFiles++;
                }
            }
            else
            {
                differ++;
                failures.Add($"{relative}:\n      " + string.Join("\n      ", unjustified.Take(8)) + (unjustified.Count > 8 ? $"\n      … {unjustified.Count - 8} more" : string.Empty));
            }
        }

        output.WriteLine($"Corpus conformance against pydicom 2.3.1 reference ({catalog.Count} files, {stopwatch.Elapsed.TotalSeconds:F1} s)");
        output.WriteLine($"  reference read {catalog.Count - refRejectedReadByUs - refRejectedRejectedByUs} files: agree {agree} (of which {justifiedFiles} with justified differences), differ {differ}");
        output.WriteLine($"  reference rejected {refRejectedReadByUs + refRejectedRejectedByUs} files: we read {refRejectedReadByUs}, we reject with DicomException {refRejectedRejectedByUs}");
        foreach (var (why, count) in reasons)
        {
            output.WriteLine($"  justified ({count}): {why}");
        }

        output.WriteLine(report.ToString());
        foreach (var failure in failures)
        {
            output.WriteLine("DIFFER " + failure);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} files differ from the reference:\n" + string.Join("\n", failures.Take(40)));
    }
}
