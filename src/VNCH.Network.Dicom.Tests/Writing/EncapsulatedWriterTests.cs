using VNCH.Network.Testing;

namespace VNCH.Network.Dicom.Tests.Writing;

public sealed class EncapsulatedWriterTests
{
    /// <summary>Three frames of two fragments each (odd lengths included), located by an extended offset table.</summary>
    private static (DicomDataset Dataset, byte[][] Fragments) MultiFrame()
    {
        var fragments = Enumerable.Range(0, 6)
            .Select(i => Enumerable.Range(0, 10 + i).Select(b => (byte)(i % 2 == 0 && b == 0 ? 0xFF : b + i)).ToArray())
            .ToArray();
        foreach (var frameStart in new[] { 0, 2, 4 })
        {
            fragments[frameStart][1] = 0xD8; // FF D8: each frame starts with a JPEG SOI
        }

        // Offsets count from the first fragment's item tag; fragments are padded to even length when written.
        var itemSizes = fragments.Select(f => 8UL + (ulong)(f.Length + (f.Length & 1))).ToArray();
        ulong[] starts = [0, itemSizes[0] + itemSizes[1], itemSizes[0] + itemSizes[1] + itemSizes[2] + itemSizes[3]];
        var eot = starts.SelectMany(BitConverter.GetBytes).ToArray();
        var ds = new DicomDataset()
            .Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
            .Add(DicomTags.SOPInstanceUID, DicomUid.FromName("encapsulated-writer-test"))
            .Add(DicomTags.Rows, 2)
            .Add(DicomTags.Columns, 2)
            .Add(DicomTags.NumberOfFrames, "3")
            .Add(DicomTags.ExtendedOffsetTable, DicomVR.OV, eot)
            .AddEncapsulatedPixelData(fragments.Select(f => (ReadOnlyMemory<byte>)f));
        return (ds, fragments);
    }

    [Fact]
    public void ExtendedOffsetTableMapsFramesAfterARoundTrip()
    {
        var (ds, fragments) = MultiFrame();
        using var temp = new TempDirectory("vnch-dicom-encapsulated");
        var path = Path.Combine(temp.Path, "multi.dcm");
        DicomWriter.WriteFile(path, ds, TransferSyntax.JpegBaseline);
        DicomWriterTests.AssertDcmdumpAccepts(path);

        var file = DicomReader.ReadFile(path);
        Assert.Equal(TransferSyntax.JpegBaseline, file.TransferSyntax);
        var pixels = file.PixelData!;
        Assert.Equal(3, pixels.ExtendedOffsetTable!.Count);
        var frames = pixels.GetFrameFragments(3);
        Assert.Equal([2, 2, 2], frames.Select(f => f.Count));

        // Read frame 1 straight from the file by its fragments' offsets.
        using var stream = File.OpenRead(path);
        var frame1 = frames[1].SelectMany(f =>
        {
            var buffer = new byte[f.Length];
            stream.Position = f.Offset;
            stream.ReadExactly(buffer);
            return buffer;
        }).ToArray();
        var expected = fragments[2].Concat(fragments[2].Length % 2 == 1 ? [(byte)0] : []).Concat(fragments[3]).Concat(fragments[3].Length % 2 == 1 ? [(byte)0] : []).ToArray();
        Assert.Equal(expected, frame1);
    }

    [Fact]
    public void WithoutOffsetTablesFramesAreFoundByStartMarkers()
    {
        var (ds, _) = MultiFrame();
        ds.Remove(DicomTags.ExtendedOffsetTable);
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, ds, TransferSyntax.JpegBaseline);
        stream.Position = 0;
        var file = DicomReader.Read(stream, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        Assert.Empty(file.PixelData!.Fragments!.BasicOffsetTable);
        Assert.Equal([2, 2, 2], file.PixelData.GetFrameFragments(3).Select(f => f.Count));
    }

    [Fact]
    public void MismatchedTransferSyntaxIsRefused()
    {
        var (ds, _) = MultiFrame();
        Assert.Throws<DicomException>(() => DicomWriter.Write(new MemoryStream(), ds)); // encapsulated pixels, native syntax
        Assert.Throws<DicomException>(() => DicomWriter.Write(new MemoryStream(), new DicomDataset()
            .Add(DicomTags.SOPClassUID, "1.2.3").Add(DicomTags.SOPInstanceUID, "1.2.3.4"), TransferSyntax.ImplicitVRLittleEndian));
    }
}
