using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.DicomWeb;

/// <summary>Ingestion feeds the DICOMweb index: each stored DICOM instance once, nothing for other documents or conflicts.</summary>
public sealed class IngestionIndexesDicomTests
{
    private static readonly string Cxr = TestData.File("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm");

    [Fact]
    public async Task A_stored_instance_is_indexed_with_its_original_and_a_retransmission_changes_nothing()
    {
        var pipeline = new Pipeline();
        var outcome = await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);
        await pipeline.IngestFileAsync(Pipeline.TenantA, Cxr);

        var study = Assert.Single(await pipeline.DicomIndex.SearchStudiesAsync(Pipeline.TenantA, new DicomQuery(), CancellationToken.None));
        Assert.Equal(outcome.StudyId, study.StudyId);
        Assert.Equal(1, study.InstanceCount);
        Assert.Equal(["CR"], study.Modalities);
        var stored = Assert.Single(await pipeline.DicomIndex.GetInstancesAsync(Pipeline.TenantA, study.StudyInstanceUid, null, null, CancellationToken.None));
        Assert.Equal(outcome.InstanceUid, stored.SopInstanceUid);
        Assert.Equal(outcome.Sha256, stored.Sha256);
        Assert.Equal(new FileInfo(Cxr).Length, stored.Length);
        Assert.Equal("1.2.840.10008.1.2.4.50", stored.TransferSyntaxUid);
        Assert.Empty(await pipeline.DicomIndex.SearchStudiesAsync(Pipeline.TenantB, new DicomQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task A_conflicting_instance_is_not_indexed_over_the_stored_one()
    {
        var pipeline = new Pipeline();
        var bytes = File.ReadAllBytes(Cxr);
        var first = await pipeline.IngestAsync(Pipeline.TenantA, bytes);
        var altered = (byte[])bytes.Clone();
        altered[^1] ^= 0xFF;
        var second = await pipeline.IngestAsync(Pipeline.TenantA, altered);

        Assert.Equal(IngestStatus.Failed, second.Status);
        var study = Assert.Single(await pipeline.DicomIndex.SearchStudiesAsync(Pipeline.TenantA, new DicomQuery(), CancellationToken.None));
        var stored = Assert.Single(await pipeline.DicomIndex.GetInstancesAsync(Pipeline.TenantA, study.StudyInstanceUid, null, null, CancellationToken.None));
        Assert.Equal(first.Sha256, stored.Sha256);
    }
}
