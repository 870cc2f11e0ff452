namespace VNCH.Network.Dicom.Tests.Text;

/// <summary>Specific Character Set decoding on Clunie's charset samples, against pydicom's dump and hand-checked literals.</summary>
public sealed class CharacterSetTests
{
    public static TheoryData<string> CharsetFiles => new(
        Directory.GetFiles(Corpus.File("fo-dicom/TestData/charset/chrArab.dcm")[..^"chrArab.dcm".Length], "*.dcm")
            .Select(p => "fo-dicom/TestData/charset/" + Path.GetFileName(p))
            .Where(p => !p.EndsWith("chrGB2312.dcm", StringComparison.Ordinal)) // pydicom 2.3.1 bug, see the literal test below
            .Order());

    [Theory]
    [MemberData(nameof(CharsetFiles))]
    public void EveryTextElementMatchesPydicom(string relative)
    {
        var file = Corpus.Read(relative);
        using var reference = Corpus.Reference(relative);
        var checkedCount = 0;
        foreach (var property in reference.RootElement.GetProperty("elements").EnumerateObject())
        {
            var tag = DicomTag.Parse(property.Name);
            var vr = property.Value.GetProperty("vr").GetString();
            if (vr is not ("PN" or "LO" or "SH" or "ST" or "LT" or "UT" or "UC") || !property.Value.TryGetProperty("value", out var value))
            {
                continue;
            }

            var expected = value.ValueKind == System.Text.Json.JsonValueKind.Array
                ? string.Join('\\', value.EnumerateArray().Select(v => v.GetString()))
                : value.GetString();
            var actual = vr == "PN"
                ? string.Join('\\', file.Dataset.GetPersonNames(tag).Select(p => p.ToString()))
                : string.Join('\\', file.Dataset.GetStrings(tag));
            Assert.Equal(expected, actual);
            checkedCount++;
        }

        Assert.True(checkedCount > 0, "no text element was compared");
    }

    [Theory]
    [InlineData("chrFren.dcm", "Buc^Jérôme")]
    [InlineData("chrGerm.dcm", "Äneas^Rüdiger")]
    [InlineData("chrGreek.dcm", "Διονυσιος")]
    [InlineData("chrRuss.dcm", "Люкceмбypг")]
    [InlineData("chrArab.dcm", "قباني^لنزار")]
    [InlineData("chrHbrw.dcm", "שרון^דבורה")]
    [InlineData("chrH31.dcm", "Yamada^Tarou=山田^太郎=やまだ^たろう")]
    [InlineData("chrH32.dcm", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう")]
    [InlineData("chrI2.dcm", "Hong^Gildong=洪^吉洞=홍^길동")]
    [InlineData("chrX1.dcm", "Wang^XiaoDong=王^小東")]
    [InlineData("chrX2.dcm", "Wang^XiaoDong=王^小东")]
    [InlineData("chrGB2312.dcm", "Zhang^XiaoDong=张^小东")]
    public void PatientNamesDecodeExactly(string fileName, string expected)
    {
        var file = Corpus.Read("fo-dicom/TestData/charset/" + fileName);
        Assert.Equal(expected, file.Dataset.GetPersonName(DicomTags.PatientName)!.ToString());
    }

    [Fact]
    public void PersonNameGroupsAndComponents()
    {
        var name = Corpus.Read("fo-dicom/TestData/charset/chrH31.dcm").Dataset.GetPersonName(DicomTags.PatientName)!;
        Assert.Equal("Yamada", name.Alphabetic.Family);
        Assert.Equal("Tarou", name.Alphabetic.Given);
        Assert.Equal("山田", name.Ideographic.Family);
        Assert.Equal("太郎", name.Ideographic.Given);
        Assert.Equal("やまだ", name.Phonetic.Family);
        Assert.Equal("たろう", name.Phonetic.Given);

        var full = new DicomPersonName("Nguyễn^Thị Ánh^Minh^Bà^PGS");
        Assert.Equal(("Nguyễn", "Thị Ánh", "Minh", "Bà", "PGS"), (full.Family, full.Given, full.Middle, full.Prefix, full.Suffix));
        Assert.True(full.Ideographic.IsEmpty);
        Assert.Equal("Wang^XiaoDong=王^小東", new DicomPersonName("Wang^XiaoDong=王^小東=").ToString());
    }

    [Fact]
    public void SequenceItemsUseTheirOwnOrTheInheritedCharacterSet()
    {
        var file = Corpus.Read("fo-dicom/TestData/charset/chrSQEncoding.dcm");
        Assert.True(file.Dataset.CharacterSet.IsUtf8);
        var items = file.Dataset.AsSpan().ToArray().Where(e => e.Items is { Count: > 0 }).SelectMany(e => e.Items!).ToList();
        Assert.NotEmpty(items);
        Assert.All(items, item => Assert.NotNull(item.CharacterSet));
        var names = items.Where(i => i.Contains(DicomTags.PatientName)).Select(i => i.GetPersonName(DicomTags.PatientName)!.ToString()).ToList();
        Assert.Contains(names, n => n.Contains('=', StringComparison.Ordinal) && n.Any(c => c > 0x2E80)); // CJK text decoded
    }

    [Fact]
    public void JisX0212SupplementaryKanjiDecode()
    {
        // "丂" (U+4E02) is JIS X 0212 0x3021, not in JIS X 0208. In ISO 2022 IR 159 it is ESC $ ( D 30 21.
        byte[] value = [(byte)'A', 0x1B, (byte)'$', (byte)'(', (byte)'D', 0x30, 0x21, 0x1B, (byte)'(', (byte)'B', (byte)'Z'];
        var charset = DicomCharacterSet.FromTerms(["", "ISO 2022 IR 87", "ISO 2022 IR 159"]);
        Assert.Equal("A丂Z", charset.Decode(value));
    }

    [Fact]
    public void MisspelledDefinedTermsAreCorrected()
    {
        Assert.Equal("ISO_IR 100", DicomCharacterSet.Normalize("ISO-IR 100"));
        Assert.Equal("ISO_IR 192", DicomCharacterSet.Normalize("ISO_IR192"));
        Assert.Equal("ISO 2022 IR 87", DicomCharacterSet.Normalize("ISO2022 IR87"));
        Assert.True(DicomCharacterSet.FromTerms(["ISO IR 192"]).IsUtf8);
    }
}
