using System.Text.Json;
using VNCH.Network.Dicom.Json;

namespace VNCH.Network.Dicom.Tests.Json;

/// <summary>PS3.18 Annex F rules one by one, on data sets built in memory and written through the writer.</summary>
public sealed class DicomJsonWriterTests
{
    private static JsonElement WriteAndRead(DicomDataset ds, DicomJsonOptions? options = null)
    {
        // Through bytes and back, so the JSON is what a client would read (UTF-8 included).
        ds.Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7").Add(DicomTags.SOPInstanceUID, "1.2.3.4");
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, ds);
        var file = DicomReader.Read(stream.ToArray(), new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        return JsonDocument.Parse(DicomJsonWriter.Serialize(file.Dataset, options)).RootElement.Clone();
    }

    [Fact]
    public void VietnamesePersonNameKeepsItsGroupsAndUtf8Text()
    {
        var json = WriteAndRead(new DicomDataset().Add(DicomTags.PatientName, "Nguyễn^Thị Ánh=阮^氏映=Nguyen^Thi Anh"));
        var name = json.GetProperty("00100010");
        Assert.Equal("PN", name.GetProperty("vr").GetString());
        var value = name.GetProperty("Value")[0];
        Assert.Equal("Nguyễn^Thị Ánh", value.GetProperty("Alphabetic").GetString());
        Assert.Equal("阮^氏映", value.GetProperty("Ideographic").GetString());
        Assert.Equal("Nguyen^Thi Anh", value.GetProperty("Phonetic").GetString());
    }

    [Fact]
    public void AlphabeticOnlyNameHasNoEmptyGroups()
    {
        var value = WriteAndRead(new DicomDataset().Add(DicomTags.PatientName, "Trần^Bảo")).GetProperty("00100010").GetProperty("Value")[0];
        Assert.Equal(["Alphabetic"], value.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void NumbersAreJsonNumbersAndDecimalStringsAreParsed()
    {
        var json = WriteAndRead(new DicomDataset()
            .Add(DicomTags.Rows, 512)
            .Add(DicomTags.PixelSpacing, 0.139, 0.25)
            .Add(DicomTags.SeriesNumber, "-7")
            .Add(DicomTags.RescaleSlope, "1e3"));
        Assert.Equal(512, json.GetProperty("00280010").GetProperty("Value")[0].GetInt32());
        Assert.Equal("US", json.GetProperty("00280010").GetProperty("vr").GetString());
        Assert.Equal([0.139, 0.25], json.GetProperty("00280030").GetProperty("Value").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal(JsonValueKind.Number, json.GetProperty("00200011").GetProperty("Value")[0].ValueKind);
        Assert.Equal(-7, json.GetProperty("00200011").GetProperty("Value")[0].GetInt64());
        Assert.Equal(1000.0, json.GetProperty("00281053").GetProperty("Value")[0].GetDouble());
    }

    [Fact]
    public void EmptyElementHasNoValueAndEmptyValuesAmongOthersAreNull()
    {
        var json = WriteAndRead(new DicomDataset()
            .Add(DicomTags.AccessionNumber, string.Empty)
            .Add(DicomTags.ImageType, "ORIGINAL", string.Empty, "AXIAL"));
        var accession = json.GetProperty("00080050");
        Assert.Equal("SH", accession.GetProperty("vr").GetString());
        Assert.False(accession.TryGetProperty("Value", out _));
        var imageType = json.GetProperty("00080008").GetProperty("Value");
        Assert.Equal("ORIGINAL", imageType[0].GetString());
        Assert.Equal(JsonValueKind.Null, imageType[1].ValueKind);
        Assert.Equal("AXIAL", imageType[2].GetString());
    }

    [Fact]
    public void SequencesNestAndBinaryIsInlineOrBulk()
    {
        var ds = new DicomDataset()
            .AddSequence(DicomTags.ReferencedStudySequence,
                new DicomDataset().Add(DicomTags.ReferencedSOPInstanceUID, "1.2.3"),
                new DicomDataset().Add(DicomTags.ReferencedSOPInstanceUID, "1.2.4").Add(DicomTags.OverlayData, DicomVR.OW, new byte[2000]))
            .Add(DicomTags.SelectorATValue, new DicomTag(0x0010, 0x0020))
            .Add(DicomTags.PixelData, DicomVR.OW, new byte[] { 1, 2, 3, 4 });
        var json = WriteAndRead(ds, new DicomJsonOptions { BulkDataUri = r => "https://x/bulk/" + r.Path });

        var items = json.GetProperty("00081110").GetProperty("Value");
        Assert.Equal(2, items.GetArrayLength());
        Assert.Equal("1.2.4", items[1].GetProperty("00081155").GetProperty("Value")[0].GetString());
        Assert.Equal("https://x/bulk/00081110/1/60003000", items[1].GetProperty("60003000").GetProperty("BulkDataURI").GetString());
        Assert.Equal("00100020", json.GetProperty(DicomJsonWriter.Key(DicomTags.SelectorATValue)).GetProperty("Value")[0].GetString());
        Assert.Equal(Convert.ToBase64String([1, 2, 3, 4]), json.GetProperty("7FE00010").GetProperty("InlineBinary").GetString());
    }

    [Fact]
    public void BigEndianBinaryIsWrittenLittleEndian()
    {
        var file = Corpus.Read("pydicom/src/pydicom/data/test_files/MR_small_bigendian.dcm", new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        Assert.True(file.Dataset.IsBigEndian);
        var json = JsonDocument.Parse(DicomJsonWriter.Serialize(file.Dataset, new DicomJsonOptions { InlineBinaryLimit = int.MaxValue })).RootElement;
        var pixels = json.GetProperty("7FE00010").GetProperty("InlineBinary").GetBytesFromBase64();
        var expected = file.Dataset.GetInt16s(DicomTags.PixelData);
        Assert.Equal(expected.Length * 2, pixels.Length);
        Assert.Equal(expected[100], BitConverter.ToInt16(pixels, 200));
        Assert.Equal(file.Dataset.GetInt32(DicomTags.Rows), json.GetProperty("00280010").GetProperty("Value")[0].GetInt32());
    }

    [Fact]
    public void OnlyWritesTheRequestedTopLevelAttributes()
    {
        var json = WriteAndRead(new DicomDataset().Add(DicomTags.PatientID, "P1").Add(DicomTags.Modality, "CR"),
            new DicomJsonOptions { Only = new HashSet<DicomTag> { DicomTags.Modality } });
        Assert.Equal(["00080060"], json.EnumerateObject().Select(p => p.Name));
    }
}
