using System.Text.Json;
using VNCH.Network.Testing;

namespace VNCH.Network.Dicom.Tests;

/// <summary>Paths into the shared DICOM corpus and its pydicom reference dumps.</summary>
internal static class Corpus
{
    public static string File(string relative) => TestData.File("dicom/" + relative);

    public static DicomFile Read(string relative, DicomReadOptions? options = null) => DicomReader.ReadFile(File(relative), options);

    /// <summary>The reference JSON of one corpus file (see dicom/reference/README.md).</summary>
    public static JsonDocument Reference(string relative) =>
        JsonDocument.Parse(System.IO.File.ReadAllBytes(TestData.File("dicom/reference/" + relative.Replace("/", "__", StringComparison.Ordinal) + ".json")));
}
