using Microsoft.Extensions.Logging.Abstractions;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Core.Tests.Fakes;
using VNCH.Network.Testing;

namespace VNCH.Network.Core.Tests.Work;

/// <summary>
/// Issue 13, faults: blob events and queue messages are delivered at least once and in no promised order. Every
/// interleaving of duplicated blob deliveries (two instances of one study) and duplicated, early or late analyse
/// messages ends in the same place: one study, both instances, one analysis of the whole study, no poison.
/// </summary>
public sealed class DeliveryOrderTests
{
    // Two instances of one study (a JPEG-LS and a JPEG 2000 encoding of the same image).
    private static readonly string[] Files =
    [
        TestData.File("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.80.dcm"),
        TestData.File("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.90.dcm"),
    ];

    private enum Delivery
    {
        BlobFirst,
        BlobSecond,
        Analyse,
    }

    public static TheoryData<int> Seeds => new() { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Duplicated_and_reordered_blob_and_queue_deliveries_end_in_one_study_analysed_once_as_a_whole(int seed)
    {
        var analyser = new FakeAnalyser(appliesTo: _ => true);
        var pipeline = new Pipeline(analyser);
        var inbox = new InboxHandler(pipeline.Ingestion, new InMemoryTenantDirectory(new Tenant { Id = Pipeline.TenantA, Name = "A" }),
            pipeline.Audit, pipeline.Time, NullLogger<InboxHandler>.Instance);
        var studyId = await StudyIdAsync();

        // Each blob event twice or three times, the analyse message three times (one of them before any blob).
        Delivery[] deliveries = [Delivery.BlobFirst, Delivery.BlobFirst, Delivery.BlobFirst, Delivery.BlobSecond, Delivery.BlobSecond,
            Delivery.Analyse, Delivery.Analyse, Delivery.Analyse];
        new Random(seed).Shuffle(deliveries);
        var outcomes = new List<(int File, IngestStatus Status)>();
        foreach (var delivery in deliveries)
        {
            if (delivery == Delivery.Analyse)
            {
                Assert.Equal(WorkDisposition.Done, await pipeline.Analysis.HandleAsync(new AnalyseStudy(Pipeline.TenantA, studyId), 1, CancellationToken.None));
                continue;
            }

            var file = delivery == Delivery.BlobFirst ? 0 : 1;
            var result = await inbox.HandleAsync($"{Pipeline.TenantA}/scan{file}.dcm",
                _ => Task.FromResult<Stream?>(File.OpenRead(Files[file])), $"blob-event-{file}", CancellationToken.None);
            outcomes.Add((file, result.Outcome!.Status));
        }

        await pipeline.DrainAsync(); // the messages the ingests enqueued, delivered late

        Assert.All(new[] { 0, 1 }, f => Assert.Single(outcomes, o => o.File == f && o.Status == IngestStatus.Accepted));
        Assert.All(outcomes, o => Assert.NotEqual(IngestStatus.Failed, o.Status));
        var study = Assert.Single((await pipeline.Studies.QueryAsync(Pipeline.TenantA, new StudyQuery(), CancellationToken.None)).Items);
        Assert.Equal(studyId, study.Id);
        Assert.Equal(StudyStatus.Completed, study.Status);
        Assert.Equal(2, study.InstanceCount);
        Assert.Equal(2, (await pipeline.Studies.ListInstancesAsync(Pipeline.TenantA, study.Id, CancellationToken.None)).Count);
        Assert.Equal(2, analyser.Subjects[^1].Instances.Count); // the final result covers the whole study
        var records = await pipeline.Records.GetForStudyAsync(Pipeline.TenantA, studyId, CancellationToken.None);
        Assert.Single(records, r => r.ResourceType == "DiagnosticReport");
        Assert.Single(records, r => r.ResourceType == "Patient");
        Assert.Equal(0, pipeline.Queue.Pending);
        Assert.Empty(pipeline.Queue.Poisoned);
    }

    private static async Task<string> StudyIdAsync()
    {
        var probe = new Pipeline();
        return (await probe.IngestFileAsync(Pipeline.TenantA, Files[0])).StudyId!;
    }
}
