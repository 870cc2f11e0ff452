namespace VNCH.Network.Dicom.Tests.Reading;

/// <summary>One file per transfer syntax (the picks of data/README.md §1a): read, check the key values and where the pixels are.</summary>
public sealed class TransferSyntaxTests
{
    [Theory]
    [InlineData("dicomParser/testImages/CT1_UNC.explicit_little_endian.dcm", "1.2.840.10008.1.2.1", 512, 512)]
    [InlineData("dicomParser/testImages/CT1_UNC.implicit_little_endian.dcm", "1.2.840.10008.1.2", 512, 512)]
    [InlineData("dicomParser/testImages/CT1_UNC.explicit_big_endian.dcm", "1.2.840.10008.1.2.2", 512, 512)]
    [InlineData("pydicom/src/pydicom/data/test_files/MR_small_bigendian.dcm", "1.2.840.10008.1.2.2", 64, 64)]
    [InlineData("pydicom/src/pydicom/data/test_files/ExplVR_BigEnd.dcm", "1.2.840.10008.1.2.2", 60, 80)]
    [InlineData("pydicom/src/pydicom/data/test_files/image_dfl.dcm", "1.2.840.10008.1.2.1.99", 512, 512)]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.1.99.dcm", "1.2.840.10008.1.2.1.99", 358, 512)]
    public void NativeSyntaxesGiveValuesAndPixelLocation(string relative, string uid, int rows, int columns)
    {
        var file = Corpus.Read(relative, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        Assert.Equal(uid, file.TransferSyntax.Uid);
        Assert.Equal(uid, file.FileMetaInformation.GetString(DicomTags.TransferSyntaxUID));
        Assert.Equal(rows, file.Dataset.GetInt32(DicomTags.Rows));
        Assert.Equal(columns, file.Dataset.GetInt32(DicomTags.Columns));

        var pixels = file.PixelData!;
        Assert.False(pixels.IsEncapsulated);
        var frameBytes = rows * columns * file.Dataset.GetInt32(DicomTags.SamplesPerPixel) * file.Dataset.GetInt32(DicomTags.BitsAllocated) / 8;
        Assert.True(pixels.Data.Length >= frameBytes, $"pixel data {pixels.Data.Length} < one frame {frameBytes}");
        Assert.Equal(file.TransferSyntax.IsBigEndian, file.Dataset.IsBigEndian);
    }

    [Fact]
    public void ThreeEncodingsOfTheSameImageAgree()
    {
        var names = new[] { "explicit_little_endian", "implicit_little_endian", "explicit_big_endian" };
        var files = names.Select(n => Corpus.Read($"dicomParser/testImages/CT1_UNC.{n}.dcm", new DicomReadOptions { PixelDataMode = PixelDataMode.Load })).ToList();
        var reference = files[0];
        foreach (var other in files.Skip(1))
        {
            Assert.Equal(reference.Dataset.GetString(DicomTags.PatientName), other.Dataset.GetString(DicomTags.PatientName));
            Assert.Equal(reference.Dataset.GetDoubles(DicomTags.PixelSpacing), other.Dataset.GetDoubles(DicomTags.PixelSpacing));
            Assert.Equal(reference.Dataset.GetDouble(DicomTags.RescaleIntercept), other.Dataset.GetDouble(DicomTags.RescaleIntercept));

            // Same pixels once byte order is accounted for.
            Assert.Equal(reference.Dataset.GetInt16s(DicomTags.PixelData), other.Dataset.GetInt16s(DicomTags.PixelData));
        }
    }

    [Theory]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm", "1.2.840.10008.1.2.4.50")]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.51.dcm", "1.2.840.10008.1.2.4.51")]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.57.dcm", "1.2.840.10008.1.2.4.57")]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.70.dcm", "1.2.840.10008.1.2.4.70")]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.80.dcm", "1.2.840.10008.1.2.4.80")]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.81.dcm", "1.2.840.10008.1.2.4.81")]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.90.dcm", "1.2.840.10008.1.2.4.90")]
    [InlineData("orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.91.dcm", "1.2.840.10008.1.2.4.91")]
    [InlineData("pydicom-data/data_store/data/HTJ2KLossless_08_RGB.dcm", "1.2.840.10008.1.2.4.201")]
    [InlineData("pydicom-data/data_store/data/HTJ2K_08_RGB.dcm", "1.2.840.10008.1.2.4.203")]
    [InlineData("pydicom/src/pydicom/data/test_files/MR_small_RLE.dcm", "1.2.840.10008.1.2.5")]
    [InlineData("fo-dicom/TestData/D_CLUNIE_CT1_RLE_FRAGS.dcm", "1.2.840.10008.1.2.5")]
    public void EncapsulatedFragmentsAreLocatedInTheSource(string relative, string uid)
    {
        var path = Corpus.File(relative);
        var file = DicomReader.ReadFile(path);
        Assert.Equal(uid, file.TransferSyntax.Uid);
        Assert.True(file.TransferSyntax.IsEncapsulated);
        var pixels = file.PixelData!;
        Assert.True(pixels.IsEncapsulated);
        Assert.True(pixels.OffsetsAreInSource);
        Assert.NotEmpty(pixels.Fragments!.Fragments);

        // Reference mode loads nothing; the offsets read straight from the file give the same bytes as Load mode.
        Assert.All(pixels.Fragments.Fragments, f => Assert.False(f.IsLoaded));
        var loaded = DicomReader.ReadFile(path, new DicomReadOptions { PixelDataMode = PixelDataMode.Load }).PixelData!.Fragments!.Fragments;
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(loaded.Count, pixels.Fragments.Fragments.Count);
        for (var i = 0; i < loaded.Count; i++)
        {
            var f = pixels.Fragments.Fragments[i];
            Assert.Equal(loaded[i].Data.ToArray(), bytes.AsSpan((int)f.Offset, (int)f.Length).ToArray());
        }

        var frames = file.Dataset.GetInt32OrDefault(DicomTags.NumberOfFrames, 1);
        Assert.Equal(frames, pixels.GetFrameFragments(frames).Count);
    }

    [Theory]
    [InlineData("dicomParser/testImages/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm")]
    [InlineData("dicomParser/testImages/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm")]
    [InlineData("dicomParser/testImages/encapsulated/multi-frame/CT0012.not_fragmented_no_bot_jpeg_ls.80.dcm")]
    [InlineData("dicomParser/testImages/encapsulated/multi-frame/CT0012.not_fragmented_bot_jpeg_ls.80.dcm")]
    [InlineData("fo-dicom/TestData/HasFragmentSequence.dcm")]
    public void MultiFrameFragmentsMapToFrames(string relative)
    {
        var file = Corpus.Read(relative);
        var frames = file.Dataset.GetInt32(DicomTags.NumberOfFrames);
        var pixels = file.PixelData!;
        using var source = File.OpenRead(Corpus.File(relative));
        var perFrame = pixels.GetFrameFragments(frames, source);
        Assert.Equal(frames, perFrame.Count);
        Assert.Equal(pixels.Fragments!.Fragments.Count, perFrame.Sum(f => f.Count));

        // Each frame's first fragment is a codec stream start (JPEG SOI FFD8 for these syntaxes).
        var stream = source;
        foreach (var frame in perFrame)
        {
            stream.Position = frame[0].Offset;
            Assert.Equal(0xFF, stream.ReadByte());
            Assert.Equal(0xD8, stream.ReadByte());
        }
    }

    [Fact]
    public void AcrNemaFileWithoutPreambleOrMetaIsRead()
    {
        var file = Corpus.Read("fo-dicom/TestData/CR-MONO1-10-chest");
        Assert.False(file.HasPreamble);
        Assert.Equal(0, file.FileMetaInformation.Count);
        Assert.True(file.TransferSyntaxInferred);
        Assert.Equal(TransferSyntax.ImplicitVRLittleEndian, file.TransferSyntax);
        Assert.Equal(440, file.Dataset.GetInt32(DicomTags.Rows));
        Assert.Equal("MONOCHROME1", file.Dataset.GetString(DicomTags.PhotometricInterpretation));

        // Legacy ACR-NEMA date and time forms.
        Assert.Equal("1995.07.20", file.Dataset.GetString(DicomTags.InstanceCreationDate));
        Assert.True(file.Dataset.TryGetDate(DicomTags.InstanceCreationDate, out var date));
        Assert.Equal(new DateOnly(1995, 7, 20), date);
        Assert.True(file.Dataset.TryGetTime(DicomTags.InstanceCreationTime, out var time));
        Assert.Equal(new TimeOnly(11, 22, 7), time);
    }

    [Theory]
    [InlineData("pydicom/src/pydicom/data/test_files/ExplVR_BigEndNoMeta.dcm", "1.2.840.10008.1.2.2")]
    [InlineData("pydicom/src/pydicom/data/test_files/ExplVR_LitEndNoMeta.dcm", "1.2.840.10008.1.2.1")]
    [InlineData("pydicom/src/pydicom/data/test_files/meta_missing_tsyntax.dcm", "1.2.840.10008.1.2")]
    public void MissingTransferSyntaxIsInferred(string relative, string expected)
    {
        var file = Corpus.Read(relative);
        Assert.True(file.TransferSyntaxInferred);
        Assert.Equal(expected, file.TransferSyntax.Uid);
        Assert.True(file.Dataset.Count >= 1);
    }

    [Fact]
    public void TransferSyntaxCatalogueKnowsTheFamilies()
    {
        Assert.True(TransferSyntax.FromUid("1.2.840.10008.1.2").IsImplicitVR);
        Assert.True(TransferSyntax.FromUid("1.2.840.10008.1.2.2").IsBigEndian);
        Assert.True(TransferSyntax.FromUid("1.2.840.10008.1.2.1.99").IsDeflated);
        Assert.True(TransferSyntax.FromUid("1.2.840.10008.1.2.4.203").IsEncapsulated);
        Assert.Contains("MPEG-4", TransferSyntax.FromUid("1.2.840.10008.1.2.4.102").Name, StringComparison.Ordinal);
        Assert.Equal("RLE Lossless", TransferSyntax.FromUid("1.2.840.10008.1.2.5\0").Name);
        var unknown = TransferSyntax.FromUid("1.2.3.4");
        Assert.False(unknown.IsKnown);
        Assert.True(unknown.IsExplicitVR);
    }
}
