using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Testing;
using static VNCH.Network.Core.Tests.Security.HostileStreams;

namespace VNCH.Network.Core.Tests.Security;

/// <summary>Issue 13 item 6: deflated DICOM (1.2.840.10008.1.2.1.99) inflates within a size, a ratio and a concurrency bound.</summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed class DeflatedDicomTests
{
    private const string Deflated = "1.2.840.10008.1.2.1.99";
    private const long MiB = 1024 * 1024;

    /// <summary>
    /// A valid-looking instance followed by <paramref name="mebibytes"/> private OB elements of 1 MiB of zeros each
    /// (each within the element budget), deflated (~1000:1).
    /// </summary>
    internal static byte[] Bomb(int mebibytes)
    {
        using var output = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Identity("1.2.3.4.99"));
            var zeros = new byte[MiB];
            for (var i = 0; i < mebibytes; i++)
            {
                WriteExplicit(deflate, 0x0009, (ushort)(0x1000 + i), "OB", zeros);
            }
        }

        return Part10(Deflated, output.ToArray());
    }

    [Fact]
    public async Task A_deflate_bomb_is_refused_by_its_inflation_ratio_in_bounded_memory()
    {
        var bomb = Bomb(300);
        Assert.True(bomb.Length < 2 * MiB, "the bomb is small on the wire");
        var (handler, _, _, _) = Handler();

        var (outcome, allocated) = await MeasureAsync(() => handler.IngestAsync(new MemoryStream(bomb), "application/dicom"));

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Equal("inflation-too-large", outcome.ReasonCode);
        Assert.True(allocated < 32 * MiB, $"ingestion allocated {allocated / MiB} MiB inflating a {bomb.Length}-byte bomb");
    }

    [Theory]
    [InlineData("dicom/pydicom/src/pydicom/data/test_files/image_dfl.dcm")]
    [InlineData("dicom/dicomParser/testImages/deflate/wave_dfl")]
    [InlineData("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.1.99.dcm")]
    public async Task Real_deflated_files_are_within_the_bounds(string relativePath)
    {
        var (handler, _, _, _) = Handler();

        var outcome = await handler.IngestAsync(File.OpenRead(TestData.File(relativePath)), "application/dicom");

        Assert.Equal(IngestStatus.Accepted, outcome.Status);
    }
}
