using System.Text;
using VNCH.Network.Dicom.Tests.Robustness;

namespace VNCH.Network.Dicom.Tests.Reading;

/// <summary>A read file owns the (pooled) buffers its values are slices of: after Dispose no value can be read through it.</summary>
public sealed class DicomFileLifetimeTests : IDisposable
{
    private static readonly DicomReadOptions Load = new() { PixelDataMode = PixelDataMode.Load };

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"vnch-lifetime-{Guid.NewGuid():N}.dcm");

    public DicomFileLifetimeTests() => DicomWriter.WriteFile(_path, Sample("Nguyễn^Thị Ánh", "BV Nhi Trung Ương"));

    public void Dispose() => File.Delete(_path);

    private static DicomDataset Sample(string name, string issuer) => new DicomDataset()
        .Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.1.1")
        .Add(DicomTags.SOPInstanceUID, "1.2.3.4.5")
        .Add(DicomTags.PatientName, name)
        .Add(DicomTags.IssuerOfPatientID, issuer)
        .Add(DicomTags.StudyDate, new DateOnly(2025, 5, 6))
        .Add(DicomTags.PixelSpacing, 0.139, 0.139)
        .Add(DicomTags.Rows, 2)
        .AddSequence(DicomTags.ReferencedStudySequence, new DicomDataset().Add(DicomTags.ReferencedSOPInstanceUID, "1.2.3.4"))
        .Add(DicomTags.PixelData, DicomVR.OB, new byte[] { 1, 2, 3, 4 });

    [Fact]
    public void ValuesOfADisposedFileThrowInsteadOfShowingReusedBytes()
    {
        var file = DicomReader.ReadFile(_path, Load);
        var ds = file.Dataset;
        var name = ds[DicomTags.PatientName];
        var item = ds.GetSequence(DicomTags.ReferencedStudySequence)[0];
        Assert.Equal("Nguyễn^Thị Ánh", ds.GetString(DicomTags.PatientName));

        file.Dispose();

        Assert.True(file.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => ds.GetString(DicomTags.PatientName));
        Assert.Throws<ObjectDisposedException>(() => ds.GetPersonName(DicomTags.PatientName));
        Assert.Throws<ObjectDisposedException>(() => ds.GetDoubles(DicomTags.PixelSpacing));
        Assert.Throws<ObjectDisposedException>(() => ds.TryGetDate(DicomTags.StudyDate, out _));
        Assert.Throws<ObjectDisposedException>(() => ds.GetUInt16s(DicomTags.Rows));
        Assert.Throws<ObjectDisposedException>(() => item.GetString(DicomTags.ReferencedSOPInstanceUID));
        Assert.Throws<ObjectDisposedException>(() => name.RawValue.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => file.PixelData!.Data.ToArray());
        file.Dispose(); // a second dispose is harmless
    }

    [Fact]
    public void FilesReadFromMemoryFollowTheSameRule()
    {
        var bytes = File.ReadAllBytes(_path);
        var file = DicomReader.Read(bytes, Load);
        var raw = file.Dataset.GetRawValue(DicomTags.IssuerOfPatientID);
        Assert.Equal("BV Nhi Trung Ương", file.Dataset.GetString(DicomTags.IssuerOfPatientID));

        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => raw.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => file.Dataset.GetString(DicomTags.IssuerOfPatientID));
        Assert.Equal(File.ReadAllBytes(_path), bytes); // the caller's bytes are left alone
    }

    [Fact]
    public void DeepCopyOutlivesTheFileAndTheReuseOfItsBuffers()
    {
        DicomDataset copy;
        string converted;
        using (var file = DicomReader.ReadFile(_path, Load))
        {
            copy = file.Dataset.DeepCopy();
            converted = file.Dataset.GetString(DicomTags.IssuerOfPatientID);
        }

        // Read a file of the same size with other values: the pool hands the first file's buffer out again.
        var other = _path + ".other.dcm";
        DicomWriter.WriteFile(other, Sample("Trần^Văn Bình", "BV Nhi Đồng 1X"));
        try
        {
            using var second = DicomReader.ReadFile(other, Load);
            Assert.Equal("Trần^Văn Bình", second.Dataset.GetString(DicomTags.PatientName));

            Assert.Equal("BV Nhi Trung Ương", converted);
            Assert.Equal("Nguyễn^Thị Ánh", copy.GetString(DicomTags.PatientName));
            Assert.Equal("Nguyễn", copy.GetPersonName(DicomTags.PatientName)!.Family);
            Assert.Equal("BV Nhi Trung Ương", copy.GetString(DicomTags.IssuerOfPatientID));
            Assert.True(copy.TryGetDate(DicomTags.StudyDate, out var date));
            Assert.Equal(new DateOnly(2025, 5, 6), date);
            Assert.Equal([0.139, 0.139], copy.GetDoubles(DicomTags.PixelSpacing));
            Assert.Equal("1.2.3.4", copy.GetSequence(DicomTags.ReferencedStudySequence)[0].GetString(DicomTags.ReferencedSOPInstanceUID));
            Assert.Same(copy, copy.GetSequence(DicomTags.ReferencedStudySequence)[0].Parent);
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, copy.GetRawValue(DicomTags.PixelData).ToArray());
            Assert.True(copy.CharacterSet.IsUtf8);
        }
        finally
        {
            File.Delete(other);
        }
    }

    [Fact]
    public void DeflatedFilesReleaseTheInflatedBuffersToo()
    {
        var file = Corpus.Read("dicomParser/testImages/deflate/wave_dfl", Load);
        Assert.True(file.TransferSyntax.IsDeflated);
        var sopInstance = file.Dataset.GetString(DicomTags.SOPInstanceUID);
        var copy = file.Dataset.DeepCopy();

        file.Dispose();

        Assert.Throws<ObjectDisposedException>(() => file.Dataset.GetString(DicomTags.SOPInstanceUID));
        Assert.Equal(sopInstance, copy.GetString(DicomTags.SOPInstanceUID));
    }

    [Fact]
    public void AFailedReadThrowsAndTheNextReadIsWhole()
    {
        var bytes = File.ReadAllBytes(_path);
        using (var truncated = new MemoryStream(bytes, 0, bytes.Length - 2, writable: false))
        {
            // A non-seekable view so the reader fills (pooled) buffers of its own.
            Assert.ThrowsAny<DicomException>(() => DicomReader.Read(new SyntheticStreams.NonSeekable(truncated), Load));
        }

        using var file = DicomReader.ReadFile(_path, Load);
        Assert.Equal(Encoding.UTF8.GetBytes("BV Nhi Trung Ương"), file.Dataset.GetRawValue(DicomTags.IssuerOfPatientID).ToArray().AsSpan().TrimEnd((byte)' ').ToArray());
    }
}
