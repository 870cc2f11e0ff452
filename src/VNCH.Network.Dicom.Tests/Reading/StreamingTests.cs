using VNCH.Network.Dicom.Tests.Robustness;

namespace VNCH.Network.Dicom.Tests.Reading;

public sealed class StreamingTests
{
    [Theory]
    [InlineData(PixelDataMode.Skip)]
    [InlineData(PixelDataMode.Reference)]
    public void MetadataOfAGigabyteFileIsReadWithAFewMegabytes(PixelDataMode mode)
    {
        const long pixelBytes = 1L << 30;
        var head = SyntheticStreams.HeaderWithPixelData(pixelBytes);
        using var stream = new SyntheticStreams.VirtualFile(head, head.Length + pixelBytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var file = DicomReader.Read(stream, new DicomReadOptions { PixelDataMode = mode });
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 4 * 1024 * 1024, $"allocated {allocated} bytes");
        Assert.True(stream.BytesRead < 1024 * 1024, $"read {stream.BytesRead} bytes of the stream");
        Assert.Equal("Virtual^Big", file.Dataset.GetString(DicomTags.PatientName));
        Assert.False(file.PixelData!.IsLoaded);
        Assert.Equal(head.Length, file.PixelData.Offset);
        Assert.Equal(pixelBytes, file.PixelData.Length);
    }

    [Fact]
    public void NonSeekableStreamsBufferOnlyWhatTheyMust()
    {
        var path = Corpus.File("dicomParser/testImages/CT1_UNC.explicit_little_endian.dcm");
        var seekable = DicomReader.ReadFile(path);

        using (var stream = new SyntheticStreams.NonSeekable(File.OpenRead(path)))
        {
            var skipped = DicomReader.Read(stream, DicomReadOptions.MetadataOnly);
            Assert.False(skipped.PixelData!.IsLoaded);
            Assert.Equal(seekable.Dataset.GetString(DicomTags.SOPInstanceUID), skipped.Dataset.GetString(DicomTags.SOPInstanceUID));
        }

        using (var stream = new SyntheticStreams.NonSeekable(File.OpenRead(path)))
        {
            // The bytes could not be read again later, so Reference mode keeps them.
            var referenced = DicomReader.Read(stream, new DicomReadOptions { PixelDataMode = PixelDataMode.Reference });
            Assert.True(referenced.PixelData!.IsLoaded);
            Assert.Equal(seekable.PixelData!.Length, referenced.PixelData.Data.Length);
        }
    }

    [Fact]
    public void NativeFramesCanBeReadByOffset()
    {
        var path = Corpus.File("dicomParser/testImages/encapsulated/multi-frame/CT0012.explicit_little_endian.dcm");
        var referenced = DicomReader.ReadFile(path);
        var loaded = DicomReader.ReadFile(path, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        var ds = referenced.Dataset;
        var frameBytes = PixelDataLimits.CheckFrameGeometry(ds.GetInt32(DicomTags.Rows), ds.GetInt32(DicomTags.Columns),
            ds.GetInt32(DicomTags.NumberOfFrames), ds.GetInt32(DicomTags.SamplesPerPixel), ds.GetInt32(DicomTags.BitsAllocated));
        using var stream = File.OpenRead(path);
        var frame1 = new byte[frameBytes];
        stream.Position = referenced.PixelData!.Offset + frameBytes;
        stream.ReadExactly(frame1);
        Assert.Equal(loaded.PixelData!.Data.Slice((int)frameBytes, (int)frameBytes).ToArray(), frame1);
    }

    [Fact]
    public void StopAfterTagEndsTheReadEarly()
    {
        var file = Corpus.Read("pydicom/src/pydicom/data/test_files/CT_small.dcm", new DicomReadOptions { StopAfterTag = DicomTags.PatientID });
        Assert.True(file.Dataset.Contains(DicomTags.PatientName));
        Assert.False(file.Dataset.Contains(DicomTags.StudyInstanceUID));
        Assert.Null(file.PixelData);
    }
}
