using System.Diagnostics;
using System.Text;
using VNCH.Network.Testing;

namespace VNCH.Network.Dicom.Tests.Writing;

public sealed class DicomWriterTests
{
    private static DicomDataset BuildSample() => new DicomDataset()
        .Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.1.1")
        .Add(DicomTags.SOPInstanceUID, DicomUid.FromName("writer-test/1"))
        .Add(DicomTags.StudyInstanceUID, DicomUid.FromName("writer-test/study"))
        .Add(DicomTags.SeriesInstanceUID, DicomUid.FromName("writer-test/series"))
        .Add(DicomTags.PatientName, "Nguyễn^Thị Ánh")
        .Add(DicomTags.PatientID, "VNCH-000123")
        .Add(DicomTags.IssuerOfPatientID, "BV Nhi Trung Ương")
        .Add(DicomTags.PatientBirthDate, new DateOnly(2023, 11, 2))
        .Add(DicomTags.PatientSex, "F")
        .Add(DicomTags.PatientAge, new DicomAge(18, DicomAgeUnit.Months))
        .Add(DicomTags.StudyDate, new DateOnly(2025, 5, 6))
        .Add(DicomTags.StudyTime, new TimeOnly(8, 30, 15))
        .Add(DicomTags.Modality, "DX")
        .Add(DicomTags.ImageType, "ORIGINAL", "PRIMARY")
        .Add(DicomTags.StudyDescription, "X quang ngực thẳng – trẻ em")
        .Add(DicomTags.PixelSpacing, 0.139, 0.139)
        .Add(DicomTags.WindowCenter, 2048.5)
        .Add(DicomTags.InstanceNumber, 7)
        .Add(DicomTags.Rows, 4)
        .Add(DicomTags.Columns, 3)
        .Add(DicomTags.SamplesPerPixel, 1)
        .Add(DicomTags.BitsAllocated, 16)
        .Add(DicomTags.BitsStored, 12)
        .Add(DicomTags.HighBit, 11)
        .Add(DicomTags.PixelRepresentation, 0)
        .Add(DicomTags.PhotometricInterpretation, "MONOCHROME2")
        .Add(DicomTags.RescaleSlope, 1.0)
        .Add(DicomTags.RescaleIntercept, -1024.0)
        .Add(DicomTags.FrameIncrementPointer, DicomTags.FrameTime)
        .AddSequence(DicomTags.ReferencedStudySequence,
            new DicomDataset().Add(DicomTags.ReferencedSOPClassUID, "1.2.840.10008.3.1.2.3.1").Add(DicomTags.ReferencedSOPInstanceUID, "1.2.3.4"),
            new DicomDataset().AddSequence(DicomTags.ReferencedSeriesSequence, new DicomDataset().Add(DicomTags.SeriesInstanceUID, "1.2.3.5")))
        .Add(DicomTags.PixelData, DicomVR.OW, Enumerable.Range(0, 24).Select(i => (byte)i).ToArray());

    [Fact]
    public void VietnameseNamesRoundTripThroughUtf8()
    {
        var ds = BuildSample();
        Assert.Equal("ISO_IR 192", ds.GetString(DicomTags.SpecificCharacterSet));
        var read = RoundTrip(ds);
        var name = read.Dataset.GetPersonName(DicomTags.PatientName)!;
        Assert.Equal("Nguyễn^Thị Ánh", name.ToString());
        Assert.Equal("Nguyễn", name.Family);
        Assert.Equal("Thị Ánh", name.Given);
        Assert.Equal("BV Nhi Trung Ương", read.Dataset.GetString(DicomTags.IssuerOfPatientID));
        Assert.Equal(Encoding.UTF8.GetBytes("Nguyễn^Thị Ánh"), read.Dataset.GetRawValue(DicomTags.PatientName).ToArray().AsSpan().TrimEnd((byte)' ').ToArray());
    }

    [Fact]
    public void BuiltDatasetReadsBackIdentically()
    {
        var ds = BuildSample();
        var read = RoundTrip(ds);
        DatasetComparer.AssertEquivalent(ds, read.Dataset);
        Assert.Equal(TransferSyntax.ExplicitVRLittleEndian, read.TransferSyntax);
        Assert.Equal(DicomUid.ImplementationClassUid, read.FileMetaInformation.GetString(DicomTags.ImplementationClassUID));
        Assert.Equal("VNCH_NETWORK", read.FileMetaInformation.GetString(DicomTags.ImplementationVersionName));
        Assert.Equal(ds.GetString(DicomTags.SOPInstanceUID), read.FileMetaInformation.GetString(DicomTags.MediaStorageSOPInstanceUID));
        Assert.Equal(new[] { 0.139, 0.139 }, read.Dataset.GetDoubles(DicomTags.PixelSpacing));
        Assert.Equal(-1024, read.Dataset.GetInt32(DicomTags.RescaleIntercept));
        Assert.True(read.Dataset.TryGetAge(DicomTags.PatientAge, out var age));
        Assert.Equal(547.875, age.ToDays(), 3);
    }

    [Fact]
    public void MetaGroupLengthCountsTheMetaElements()
    {
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, BuildSample());
        var bytes = stream.ToArray();
        Assert.Equal("DICM", Encoding.ASCII.GetString(bytes, 128, 4));
        var groupLength = BitConverter.ToUInt32(bytes, 132 + 8);
        var metaEnd = 132 + 12 + (int)groupLength;
        Assert.Equal(0x0008, BitConverter.ToUInt16(bytes, metaEnd)); // first data set element follows exactly
        Assert.Equal(0x0002, BitConverter.ToUInt16(bytes, metaEnd - 8 - 12)); // and the last meta element precedes it
    }

    public static TheoryData<string> CorpusSamples => new(
        "dicomParser/testImages/CT1_UNC.explicit_big_endian.dcm",
        "dicomParser/testImages/CT1_UNC.implicit_little_endian.dcm",
        "pydicom/src/pydicom/data/test_files/image_dfl.dcm",
        "pydicom/src/pydicom/data/test_files/waveform_ecg.dcm",
        "pydicom/src/pydicom/data/test_files/UN_sequence.dcm",
        "pydicom/src/pydicom/data/test_files/rtplan.dcm",
        "fo-dicom/TestData/charset/chrH31.dcm",
        "fo-dicom/TestData/CR-MONO1-10-chest",
        "orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm",
        "fo-dicom/TestData/D_CLUNIE_CT1_RLE_FRAGS.dcm",
        "pydicom/src/pydicom/data/test_files/MR_small_bigendian.dcm");

    [Theory]
    [MemberData(nameof(CorpusSamples))]
    public void CorpusFilesRoundTripAndPassDcmdump(string relative)
    {
        var original = Corpus.Read(relative, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        using var temp = new TempDirectory("vnch-dicom-writer");
        var path = Path.Combine(temp.Path, "out.dcm");
        DicomWriter.WriteFile(path, original);
        var read = DicomReader.ReadFile(path, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        DatasetComparer.AssertEquivalent(original.Dataset, read.Dataset);
        var keepsSyntax = original.PixelData is { IsEncapsulated: true };
        Assert.Equal(keepsSyntax ? original.TransferSyntax.Uid : TransferSyntax.ExplicitVRLittleEndian.Uid, read.TransferSyntax.Uid);
        AssertDcmdumpAccepts(path);
    }

    [Theory]
    [InlineData("derived_pediatric_cxr/peds_cxr_normal_IM-0101-0001_explicitLE.dcm")]
    [InlineData("derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm")]
    [InlineData("pydicom/src/pydicom/data/test_files/CT_small.dcm")]
    [InlineData("pydicom/src/pydicom/data/test_files/MR_small_bigendian.dcm")]
    public void RewritingAddsNoIodValidatorFindings(string relative)
    {
        // dciodvfy (Clunie's IOD validator) must report exactly what it reports for the original: the writer
        // changes encoding (explicit VR LE, padding, undefined-length sequences), never the content.
        var source = Corpus.File(relative);
        using var temp = new TempDirectory("vnch-dicom-writer");
        var path = Path.Combine(temp.Path, "rewritten.dcm");
        DicomWriter.WriteFile(path, DicomReader.ReadFile(source, new DicomReadOptions { PixelDataMode = PixelDataMode.Load }));
        Assert.Equal(Findings(source), Findings(path));
    }

    private static string[] Findings(string path)
    {
        var dciodvfy = FindOnPath("dciodvfy");
        Assert.True(dciodvfy is not null, "dciodvfy (dicom3tools) is not on PATH; install dicom3tools to validate the writer's output.");
        var info = new ProcessStartInfo(dciodvfy!, [path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return [.. (stderr + stdout.Result).Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal)).Order()];
    }

    [Fact]
    public void BuiltFilePassesDcmdump()
    {
        using var temp = new TempDirectory("vnch-dicom-writer");
        var path = Path.Combine(temp.Path, "built.dcm");
        DicomWriter.WriteFile(path, BuildSample());
        var output = AssertDcmdumpAccepts(path);
        Assert.Contains("Nguyễn^Thị Ánh", output, StringComparison.Ordinal);
        Assert.Contains("(0002,0000) UL", output, StringComparison.Ordinal);
    }

    [Fact]
    public void WritingReferencedPixelDataIsRefusedClearly()
    {
        var file = Corpus.Read("pydicom/src/pydicom/data/test_files/CT_small.dcm"); // Reference mode: pixels not loaded
        var ex = Assert.Throws<DicomException>(() => DicomWriter.Write(new MemoryStream(), file));
        Assert.Contains("PixelDataMode.Load", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddingVietnameseTextToALatin1DatasetReencodesExistingText()
    {
        var file = Corpus.Read("fo-dicom/TestData/charset/chrFren.dcm", new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        file.Dataset.Add(DicomTags.InstitutionName, "Bệnh viện Nhi Trung ương");
        Assert.True(file.Dataset.CharacterSet.IsUtf8);
        var read = RoundTrip(file);
        Assert.Equal("Buc^Jérôme", read.Dataset.GetPersonName(DicomTags.PatientName)!.ToString());
        Assert.Equal("Bệnh viện Nhi Trung ương", read.Dataset.GetString(DicomTags.InstitutionName));
    }

    [Fact]
    public void NameBasedUidsAreStableAndValid()
    {
        Assert.Equal(DicomUid.FromName("a"), DicomUid.FromName("a"));
        Assert.NotEqual(DicomUid.FromName("a"), DicomUid.FromName("b"));
        Assert.True(DicomUid.IsValid(DicomUid.FromName("a")));
        Assert.True(DicomUid.IsValid(DicomUid.Generate()));
        Assert.True(DicomUid.IsValid(DicomUid.ImplementationClassUid));
        Assert.StartsWith("2.25.", DicomUid.Generate(), StringComparison.Ordinal);
        Assert.False(DicomUid.IsValid("1.02.3"));
    }

    private static DicomFile RoundTrip(DicomDataset ds)
    {
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, ds);
        stream.Position = 0;
        return DicomReader.Read(stream, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
    }

    private static DicomFile RoundTrip(DicomFile file)
    {
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, file);
        stream.Position = 0;
        return DicomReader.Read(stream, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
    }

    /// <summary>Runs dcmtk's dcmdump +E (fails the test if dcmtk is not installed: CI installs it).</summary>
    internal static string AssertDcmdumpAccepts(string path)
    {
        var dcmdump = FindOnPath("dcmdump");
        Assert.True(dcmdump is not null, "dcmdump (dcmtk) is not on PATH; install dcmtk (apt-get install dcmtk) to validate the writer's output.");
        var info = new ProcessStartInfo(dcmdump!, ["+E", path]) { RedirectStandardOutput = true, RedirectStandardError = true, StandardOutputEncoding = Encoding.UTF8 };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dcmdump +E exited {process.ExitCode}: {stderr}");
        Assert.DoesNotContain("E: ", stderr, StringComparison.Ordinal);
        return stdout.Result;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
