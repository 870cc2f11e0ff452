namespace VNCH.Network.Dicom.Tests.Reading;

public sealed class SequenceTests
{
    [Fact]
    public void SequenceHiddenInUnIsParsedAsImplicitLittleEndian()
    {
        var ds = Corpus.Read("pydicom/src/pydicom/data/test_files/UN_sequence.dcm").Dataset;
        var element = ds[new DicomTag(0x4453100C)];
        Assert.Equal(DicomVR.UN, element.FileVR);
        Assert.Equal(DicomVR.SQ, element.VR);
        Assert.True(element.IsUndefinedLength);

        var item = Assert.Single(element.Items!);
        var series = Assert.Single(item.GetSequence(DicomTags.ReferencedSeriesSequence));
        var instance = Assert.Single(series.GetSequence(DicomTags.ReferencedSOPSequence));
        Assert.Equal("1.2.840.10008.5.1.4.1.1.2", instance.GetString(DicomTags.ReferencedSOPClassUID));
        Assert.Equal("1.2.840.113619.2.327.3.185221411.476.1398588726.278.80", instance.GetString(DicomTags.ReferencedSOPInstanceUID));
        Assert.Equal("1.2.840.113619.2.327.3.185221411.476.1398588725.795", item.GetString(DicomTags.StudyInstanceUID));
        Assert.Same(item, series.Parent);
    }

    [Fact]
    public void NestedPrivateUndefinedLengthSequencesInImplicitVR()
    {
        var file = Corpus.Read("pydicom/src/pydicom/data/test_files/nested_priv_SQ.dcm");
        Assert.Equal(TransferSyntax.ImplicitVRLittleEndian, file.TransferSyntax);
        var outer = file.Dataset[new DicomTag(0x00010001)];
        Assert.Equal(DicomVR.SQ, outer.VR);
        Assert.True(outer.IsUndefinedLength);
        var item = Assert.Single(outer.Items!);
        var inner = Assert.Single(item.GetSequence(new DicomTag(0x00010001)));
        Assert.Equal("Double Nested SQ", System.Text.Encoding.ASCII.GetString(inner.GetRawValue(new DicomTag(0x00010001)).Span));
        Assert.Equal("Nested SQ", System.Text.Encoding.ASCII.GetString(item.GetRawValue(new DicomTag(0x00010002)).Span).TrimEnd('\0'));
    }

    [Fact]
    public void DefinedAndUndefinedLengthSequencesReadAlike()
    {
        // The writer emits undefined lengths; the corpus file uses defined ones (rtplan: 976-byte SQ etc.).
        var file = Corpus.Read("pydicom/src/pydicom/data/test_files/rtplan.dcm", new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        var beams = file.Dataset[DicomTags.BeamSequence];
        Assert.False(beams.IsUndefinedLength);
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, file);
        stream.Position = 0;
        var rewritten = DicomReader.Read(stream).Dataset;
        Assert.True(rewritten[DicomTags.BeamSequence].IsUndefinedLength);
        var before = file.Dataset.GetSequence(DicomTags.BeamSequence);
        var after = rewritten.GetSequence(DicomTags.BeamSequence);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(
            before[0].GetSequence(DicomTags.ControlPointSequence).Select(cp => cp.GetDoubles(DicomTags.GantryAngle).FirstOrDefault()),
            after[0].GetSequence(DicomTags.ControlPointSequence).Select(cp => cp.GetDoubles(DicomTags.GantryAngle).FirstOrDefault()));
    }

    [Theory]
    [InlineData("pydicom/src/pydicom/data/test_files/image_dfl.dcm")]
    [InlineData("dicomParser/testImages/deflate/wave_dfl")]
    [InlineData("fo-dicom/TestData/Issue1097_FailToOpenDeflatedFileWithSQ.dcm")]
    public void DeflatedDataSetsInflateIntoTheSameModel(string relative)
    {
        var file = Corpus.Read(relative);
        Assert.True(file.TransferSyntax.IsDeflated);
        using var reference = Corpus.Reference(relative);
        var elements = reference.RootElement.GetProperty("elements");
        Assert.Equal(elements.EnumerateObject().Count(), file.Dataset.Count(e => e.Tag != DicomTags.PixelData));
        foreach (var property in elements.EnumerateObject().Where(p => p.Value.GetProperty("vr").GetString() == "SQ"))
        {
            Assert.Equal(property.Value.GetProperty("value").GetInt32(), file.Dataset.GetSequence(DicomTag.Parse(property.Name)).Count);
        }

        if (file.PixelData is { } pixels)
        {
            Assert.False(pixels.OffsetsAreInSource);
            Assert.True(pixels.IsLoaded);
        }
    }

    [Fact]
    public void WaveformFromTheDeflatedHemodynamicFile()
    {
        var ds = Corpus.Read("dicomParser/testImages/deflate/wave_dfl").Dataset;
        var waveform = Assert.Single(ds.GetSequence(DicomTags.WaveformSequence));
        Assert.Equal(12, waveform.GetInt32(DicomTags.NumberOfWaveformChannels));
        Assert.Equal(2400, waveform.GetInt32(DicomTags.NumberOfWaveformSamples));
        Assert.Equal(240.0, waveform.GetDouble(DicomTags.SamplingFrequency));
        Assert.Equal(12 * 2400 * 2, waveform.GetRawValue(DicomTags.WaveformData).Length);
    }
}
