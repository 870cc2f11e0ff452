namespace VNCH.Network.Dicom.Tests.Reading;

public sealed class ValueParsingTests
{
    [Theory]
    [InlineData("20240229", 2024, 2, 29)]
    [InlineData("1995.07.20", 1995, 7, 20)]
    [InlineData("19950720 ", 1995, 7, 20)]
    public void DatesParse(string text, int y, int m, int d)
    {
        Assert.True(DicomValueParsers.TryParseDate(text, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Theory]
    [InlineData("20230229")]
    [InlineData("2023-13-01")]
    [InlineData("")]
    [InlineData("2023010")]
    public void BadDatesAreRejected(string text) => Assert.False(DicomValueParsers.TryParseDate(text, out _));

    [Theory]
    [InlineData("07", 7, 0, 0, 0)]
    [InlineData("0730", 7, 30, 0, 0)]
    [InlineData("073015.5", 7, 30, 15, 500)]
    [InlineData("10:31:02", 10, 31, 2, 0)]
    [InlineData("235959.999999", 23, 59, 59, 999)]
    public void TimesParse(string text, int h, int m, int s, int ms)
    {
        Assert.True(DicomValueParsers.TryParseTime(text, out var time));
        Assert.Equal((h, m, s, ms), (time.Hour, time.Minute, time.Second, time.Millisecond));
    }

    [Theory]
    [InlineData("25")]
    [InlineData("1261")]
    [InlineData("12x0")]
    public void BadTimesAreRejected(string text) => Assert.False(DicomValueParsers.TryParseTime(text, out _));

    [Fact]
    public void DateTimesParseWithOffset()
    {
        Assert.True(DicomValueParsers.TryParseDateTime("20240315083000.25+0700", out var value, out var offset));
        Assert.Equal(new DateTime(2024, 3, 15, 8, 30, 0, 250), value);
        Assert.Equal(TimeSpan.FromHours(7), offset);
        Assert.True(DicomValueParsers.TryParseDateTime("2024", out value, out offset));
        Assert.Equal(new DateTime(2024, 1, 1), value);
        Assert.Null(offset);
        Assert.False(DicomValueParsers.TryParseDateTime("2024131", out _, out _));
    }

    [Theory]
    [InlineData("003D", 3, DicomAgeUnit.Days, 3)]
    [InlineData("006W", 6, DicomAgeUnit.Weeks, 42)]
    [InlineData("018M", 18, DicomAgeUnit.Months, 547.875)]
    [InlineData("042Y", 42, DicomAgeUnit.Years, 15340.5)]
    public void AgesParse(string text, int value, DicomAgeUnit unit, double days)
    {
        Assert.True(DicomAge.TryParse(text, out var age));
        Assert.Equal(new DicomAge(value, unit), age);
        Assert.Equal(days, age.ToDays(), 3);
        Assert.Equal(text, age.ToString());
    }

    [Fact]
    public void TypedAccessorsReadTheCorpus()
    {
        var ds = Corpus.Read("pydicom/src/pydicom/data/test_files/CT_small.dcm").Dataset;
        Assert.Equal(128, ds.GetInt32(DicomTags.Rows));
        Assert.Equal(new[] { 0.661468, 0.661468 }, ds.GetDoubles(DicomTags.PixelSpacing));
        Assert.True(ds.TryGetDate(DicomTags.StudyDate, out var date));
        Assert.Equal(new DateOnly(2004, 1, 19), date);
        Assert.True(ds.TryGetDateTime(DicomTags.StudyDate, DicomTags.StudyTime, out var dt));
        Assert.Equal(new DateTime(2004, 1, 19, 7, 27, 30), dt);
        Assert.Equal(new[] { "ORIGINAL", "PRIMARY", "AXIAL" }, ds.GetStrings(DicomTags.ImageType));
        Assert.Equal("CompressedSamples^CT1", ds.GetPersonName(DicomTags.PatientName)!.ToString());
        Assert.Equal("CompressedSamples", ds.GetPersonName(DicomTags.PatientName)!.Family);

        var ecg = Corpus.Read("pydicom/src/pydicom/data/test_files/waveform_ecg.dcm").Dataset;
        Assert.True(ecg.TryGetAge(DicomTags.PatientAge, out var age));
        Assert.Equal(new DicomAge(42, DicomAgeUnit.Years), age);
        var waveforms = ecg.GetSequence(DicomTags.WaveformSequence);
        Assert.Equal(2, waveforms.Count);
        Assert.Equal(12, waveforms[0].GetInt32(DicomTags.NumberOfWaveformChannels));
        Assert.Equal(1000.0, waveforms[0].GetDouble(DicomTags.SamplingFrequency));
        Assert.Equal(77, ecg.GetSequence(DicomTags.WaveformAnnotationSequence).Count);
    }

    [Fact]
    public void AttributeTagValuesAndBinaryArrays()
    {
        var ds = Corpus.Read("orthanc-tests/2026-03-16-OD-OF-OL.dcm").Dataset;
        using var reference = Corpus.Reference("orthanc-tests/2026-03-16-OD-OF-OL.dcm");
        foreach (var property in reference.RootElement.GetProperty("elements").EnumerateObject())
        {
            var vr = property.Value.GetProperty("vr").GetString();
            if (vr is "OD" or "OF" or "OL" && property.Value.TryGetProperty("value_num", out var numbers))
            {
                var expected = numbers.ValueKind == System.Text.Json.JsonValueKind.Array ? numbers.EnumerateArray().Select(n => n.GetDouble()).ToArray() : [numbers.GetDouble()];
                Assert.Equal(expected, ds.GetDoubles(DicomTag.Parse(property.Name)));
            }
        }

        var built = new DicomDataset().Add(DicomTags.FrameIncrementPointer, DicomTags.FrameTime, DicomTags.NumberOfFrames);
        Assert.Equal(new[] { DicomTags.FrameTime, DicomTags.NumberOfFrames }, built.GetTags(DicomTags.FrameIncrementPointer));
    }

    [Fact]
    public void PaddingAndWhiteSpaceAreTrimmedPerValueAsPydicomDoes()
    {
        static ReadOnlyMemory<byte> Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);
        var ds = new DicomDataset()
            .Add(DicomTags.SpecificCharacterSet, DicomVR.CS, Bytes("ISO_IR 192"))
            .Add(DicomTags.StudyDate, DicomVR.DA, Bytes("20250506 \\19990101 \0"))
            .Add(DicomTags.PatientName, DicomVR.PN, Bytes("Nguyễn^Thị Ánh=阮^氏\\Trần^Bình  "))
            .Add(DicomTags.InstitutionName, DicomVR.LO, Bytes("Bệnh viện Nhi \\ Trung Ương\0"))
            .Add(DicomTags.ImageType, DicomVR.CS, Bytes("ORIGINAL\\PRIMARY "))
            .Add(DicomTags.PixelSpacing, DicomVR.DS, Bytes(" 0.139\\ 2e3 \\x\0"))
            .Add(DicomTags.InstanceNumber, DicomVR.IS, Bytes(" 7 "));

        Assert.Equal(["20250506", "19990101"], ds.GetStrings(DicomTags.StudyDate));
        Assert.True(ds.TryGetDate(DicomTags.StudyDate, out var date));
        Assert.Equal(new DateOnly(2025, 5, 6), date);
        Assert.Equal(["Bệnh viện Nhi", " Trung Ương"], ds.GetStrings(DicomTags.InstitutionName));
        Assert.Equal("Bệnh viện Nhi \\ Trung Ương", ds.GetString(DicomTags.InstitutionName));
        Assert.Equal(["ORIGINAL", "PRIMARY"], ds.GetStrings(DicomTags.ImageType));

        var names = ds.GetPersonNames(DicomTags.PatientName);
        Assert.Equal(["Nguyễn^Thị Ánh=阮^氏", "Trần^Bình"], names.Select(n => n.Original));
        Assert.Equal(("Nguyễn", "Thị Ánh", "阮"), (names[0].Family, names[0].Given, names[0].Ideographic.Family));

        Assert.Equal(["0.139", " 2e3 ", "x"], ds.GetStrings(DicomTags.PixelSpacing));
        Assert.Equal([0.139, 2000.0], ds.GetDoubles(DicomTags.PixelSpacing));
        Assert.True(ds.TryGetDouble(DicomTags.PixelSpacing, out var second, index: 1));
        Assert.Equal(2000.0, second);
        Assert.False(ds.TryGetDouble(DicomTags.PixelSpacing, out _, index: 2));
        Assert.False(ds.TryGetDouble(DicomTags.PixelSpacing, out _, index: 3));
        Assert.Equal(7, ds.GetInt32(DicomTags.InstanceNumber));
    }
}
