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
    /// Differences we accept, each with the reason. Key: "relative path|(gggg,eeee)" (or "relative path|*").
    /// </summary>
    private static readonly Dictionary<string, string> Justified = new(StringComparer.Ordinal)
    {
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
            var jsonPath = Path.Combine(root, "reference", relative.Replace('/', '_').Replace("_", "_", StringComparison.Ordinal));
            jsonPath = Path.Combine(root, "reference", relative.Replace("/", "__", StringComparison.Ordinal) + ".json");
            using var json = JsonDocument.Parse(File.ReadAllBytes(jsonPath));
            var reference = json.RootElement;
            var referenceParsed = reference.GetProperty("parse").GetString() == "ok";

            DicomFile? file = null;
            Exception? error = null;
            try
            {
                file = DicomReader.ReadFile(Path.Combine(root, relative), new DicomReadOptions { PixelDataMode = PixelDataMode.Reference });
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
                var key = $"{relative}|*";
                if (Justified.TryGetValue(key, out var why))
                {
                    justifiedFiles++;
                    report.AppendLine($"  justified: {relative}: {error!.Message} — {why}");
                }
                else
                {
                    differ++;
                    failures.Add($"{relative}: we failed: {error!.Message}");
                }

                continue;
            }

            var differences = new List<string>();
            differences.AddRange(ReferenceComparer.Compare(file.FileMetaInformation, reference.GetProperty("meta"), skipPixelData: false).Select(d => "meta " + d));
            differences.AddRange(ReferenceComparer.Compare(file.Dataset, reference.GetProperty("elements"), skipPixelData: true));

            var unjustified = new List<string>();
            foreach (var d in differences)
            {
                var tagText = d.StartsWith("meta ", StringComparison.Ordinal) ? d[5..16] : d[..11];
                if (Justified.TryGetValue($"{relative}|{tagText}", out var why) || Justified.TryGetValue($"{relative}|*", out why))
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
