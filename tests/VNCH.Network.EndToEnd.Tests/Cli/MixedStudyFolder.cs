using System.Text;
using VNCH.Network.Dicom;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>
/// A hospital export as `vnch upload` meets it: hundreds of DICOM instances (with and without extension, nested
/// folders), real DICOM files from the shared data, an HL7 aECG without extension, audiograms as JSON and as a FHIR
/// Bundle, files that are not studies, and two documents the server must reject. Every study file has distinct
/// content and identifiers, so each is accepted exactly once.
/// </summary>
public sealed class MixedStudyFolder : IDisposable
{
    private static readonly string[] RealDicom =
    [
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.80.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.90.dcm",
    ];

    private readonly TempDirectory folder = new("vnch-upload");

    public MixedStudyFolder(int syntheticDicom)
    {
        for (var i = 0; i < syntheticDicom; i++)
        {
            var group = i / 10;
            var name = i % 3 == 0 ? $"IM{i:D5}" : $"img{i:D5}.dcm"; // PACS exports often have no extension
            Add(Path.Combine($"patient{group:D3}", "series1", name), SyntheticInstance(group, i), accepted: true);
        }

        foreach (var (file, i) in RealDicom.Select((f, i) => (f, i)))
        {
            Add(Path.Combine("real", $"REAL{i}"), File.ReadAllBytes(TestData.File(file)), accepted: true);
        }

        Add(Path.Combine("ecg", "resting-ecg"), File.ReadAllBytes(TestData.File("ecg/hl7-aecg/Example_aECG.xml")), accepted: true);
        var audiogram = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"));
        for (var i = 0; i < 5; i++)
        {
            Add(Path.Combine("audiometry", $"visit{i}.json"), Encoding.UTF8.GetBytes(audiogram.Replace("VNCH-000123", $"VNCH-UPL-{i:D3}", StringComparison.Ordinal)), accepted: true);
        }

        Add(Path.Combine("audiometry", "bundle.json"), File.ReadAllBytes(Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.fhir.json")), accepted: true);

        // Recognised as studies by content, refused by the server with a reason.
        Add("broken.dcm", [.. new byte[128], .. "DICM"u8, .. Encoding.ASCII.GetBytes("not really a data set")], accepted: false);
        Add(Path.Combine("audiometry", "incomplete.json"), "{ \"schemaVersion\": \"1.0\" }"u8.ToArray(), accepted: false);

        // Not studies: skipped, and said so.
        foreach (var (name, content) in new[]
                 {
                     ("README.txt", "Export from PACS, 2026-11."u8.ToArray()),
                     ("patients.csv", "id,name\n1,Nguyễn Văn An\n"u8.ToArray()),
                     (Path.Combine("real", "thumb.png"), new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }),
                     ("empty.dcm", Array.Empty<byte>()),
                 })
        {
            Write(name, content);
            Skipped.Add(Path.Combine(Root, name));
        }
    }

    public string Root => folder.Path;

    /// <summary>Files the server must accept (each exactly once).</summary>
    public List<string> Accepted { get; } = [];

    /// <summary>Files the server must reject with a reason.</summary>
    public List<string> Rejected { get; } = [];

    /// <summary>Files that are not studies.</summary>
    public List<string> Skipped { get; } = [];

    public int Count => Accepted.Count + Rejected.Count + Skipped.Count;

    public void Dispose() => folder.Dispose();

    private void Add(string relativePath, byte[] content, bool accepted)
    {
        Write(relativePath, content);
        (accepted ? Accepted : Rejected).Add(Path.Combine(Root, relativePath));
    }

    private void Write(string relativePath, byte[] content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private static byte[] SyntheticInstance(int group, int index) =>
        Faults.SyntheticInstances.Create("vnch-upload-test", group, index, patientId: $"UPL{group:D4}", patientName: $"Trần^Bảo {group}");
}
