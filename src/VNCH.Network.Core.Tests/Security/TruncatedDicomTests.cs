using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Dicom;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Security;

/// <summary>
/// Issue 13 item 4: a compressed file cut inside its pixel fragments (a transfer that stopped) must not be
/// acknowledged, so the complete file sent afterwards is accepted rather than refused as a conflicting duplicate.
/// Real compressed files from the shared data, cut here.
/// </summary>
public sealed class TruncatedDicomTests
{
    public static TheoryData<string> CompressedFiles() =>
    [
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.90.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.70.dcm",
        "dicom/fo-dicom/TestData/D_CLUNIE_CT1_RLE_FRAGS.dcm",
        "dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm",
    ];

    [Theory]
    [MemberData(nameof(CompressedFiles))]
    public async Task A_file_cut_inside_its_fragments_is_refused_and_the_whole_file_is_then_accepted(string relativePath)
    {
        var whole = await File.ReadAllBytesAsync(TestData.File(relativePath));
        var pixelStart = PixelDataOffset(whole);
        var cut = whole[..(int)(pixelStart + ((whole.Length - pixelStart) / 2))];
        var pipeline = new Pipeline();

        var truncated = await pipeline.IngestAsync(Pipeline.TenantA, cut);
        var complete = await pipeline.IngestAsync(Pipeline.TenantA, whole);

        Assert.Equal(IngestStatus.Failed, truncated.Status);
        Assert.Equal(IngestReasons.CannotUnderstand, truncated.ReasonCode);
        Assert.Equal(IngestStatus.Accepted, complete.Status);
    }

    [Theory]
    [MemberData(nameof(CompressedFiles))]
    public async Task A_file_cut_between_two_fragments_without_its_sequence_delimiter_is_refused(string relativePath)
    {
        var whole = await File.ReadAllBytesAsync(TestData.File(relativePath));
        var file = DicomReader.Read(whole.AsMemory(), new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        var last = file.PixelData!.Fragments!.Fragments[^1];
        var cut = whole[..(int)(last.Offset + last.Length)]; // every fragment, no (FFFE,E0DD)

        var outcome = await new Pipeline().IngestAsync(Pipeline.TenantA, cut);

        Assert.Equal(IngestStatus.Failed, outcome.Status);
    }

    private static long PixelDataOffset(byte[] file) =>
        DicomReader.Read(file.AsMemory(), DicomReadOptions.MetadataOnly).PixelData!.Element.ValueOffset;
}
