using Microsoft.Extensions.Logging.Abstractions;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Dicom;

namespace VNCH.Network.Contracts.Contracts;

/// <summary>
/// Ingestion is atomic per instance on every <see cref="IStudyStore"/> adapter (issue 13 item 8): uploads of the
/// same instance that arrive at the same moment get one "accepted" and otherwise "duplicate" (same bytes) or
/// "instance-conflict" (other bytes), never two "accepted" of which one was dropped; different instances of one study
/// arriving together are all kept, as instance records of one study document that counts them (ADR 0110).
/// </summary>
public abstract class ConcurrentIngestionContractTests
{
    protected static readonly TenantId Tenant = TenantId.Parse("contract-a");
    private const int Uploads = 6;

    /// <summary>A fresh, empty store (the adapter under test).</summary>
    protected abstract IStudyStore CreateStore();

    [Fact]
    public async Task Identical_uploads_of_one_instance_at_once_are_accepted_once_and_duplicates_otherwise()
    {
        var (handler, store, queue) = Handler();
        var bytes = Instance("same", "inst-1");

        var outcomes = await AllAtOnce(Enumerable.Range(0, Uploads).Select(_ => bytes), handler);

        Assert.Single(outcomes, o => o.Status == IngestStatus.Accepted);
        Assert.Equal(Uploads - 1, outcomes.Count(o => o.Status == IngestStatus.Duplicate));
        var study = Assert.Single(await AllStudies(store));
        Assert.Single(await store.ListInstancesAsync(Tenant, study.Id, CancellationToken.None));
        Assert.Equal(1, study.InstanceCount);
        AssertAnalysisQueued(queue);
    }

    [Fact]
    public async Task Different_bytes_under_one_instance_uid_at_once_are_accepted_once_and_conflict_otherwise()
    {
        var (handler, store, _) = Handler();
        var uploads = Enumerable.Range(0, Uploads).Select(i => Instance("conflicting", "inst-1", description: $"version {i}")).ToList();

        var outcomes = await AllAtOnce(uploads, handler);

        var accepted = Assert.Single(outcomes, o => o.Status == IngestStatus.Accepted);
        Assert.All(outcomes.Where(o => o != accepted), o =>
        {
            Assert.Equal(IngestStatus.Failed, o.Status);
            Assert.Equal(IngestReasons.InstanceConflict, o.ReasonCode);
        });
        var study = Assert.Single(await AllStudies(store));
        Assert.Equal(accepted.Sha256, Assert.Single(await store.ListInstancesAsync(Tenant, study.Id, CancellationToken.None)).Sha256); // what was acknowledged is what is kept
        Assert.Equal(1, study.InstanceCount);
    }

    [Fact]
    public async Task Different_instances_of_one_study_at_once_are_all_kept_in_one_study()
    {
        var (handler, store, queue) = Handler();
        var uploads = Enumerable.Range(0, Uploads).Select(i => Instance("many", $"inst-{i}")).ToList();

        var outcomes = await AllAtOnce(uploads, handler);

        Assert.All(outcomes, o => Assert.Equal(IngestStatus.Accepted, o.Status));
        var study = Assert.Single(await AllStudies(store));
        Assert.Equal(Uploads, (await store.ListInstancesAsync(Tenant, study.Id, CancellationToken.None)).Count);
        Assert.Equal(Uploads, study.InstanceCount);
        AssertAnalysisQueued(queue);
    }

    [Fact]
    public async Task Four_connections_sending_one_study_all_succeed_and_every_instance_is_counted_once()
    {
        // Issue 12: a PACS sends a CT over four connections at once; each connection sends its share in turn.
        const int Connections = 4, PerConnection = 10;
        var (handler, store, queue) = Handler();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connections = Enumerable.Range(0, Connections).Select(c => Task.Run(async () =>
        {
            await gate.Task;
            var outcomes = new List<IngestOutcome>();
            for (var i = 0; i < PerConnection; i++)
            {
                outcomes.Add(await handler.IngestAsync(
                    new IngestRequest(Tenant, new MemoryStream(Instance("ct", $"c{c}-{i}")), "application/dicom", "http", "tester", $"corr-{c}-{i}"), CancellationToken.None));
            }

            return outcomes;
        })).ToList();
        gate.SetResult();
        var outcomes = (await Task.WhenAll(connections)).SelectMany(o => o).ToList();

        Assert.All(outcomes, o => Assert.Equal(IngestStatus.Accepted, o.Status));
        var study = Assert.Single(await AllStudies(store));
        Assert.Equal(Connections * PerConnection, study.InstanceCount);
        var instances = await store.ListInstancesAsync(Tenant, study.Id, CancellationToken.None);
        Assert.Equal(Connections * PerConnection, instances.Select(i => i.InstanceUid).Distinct().Count());
        Assert.True(queue.Pending >= 1);
    }

    [Fact]
    public async Task Instances_of_one_study_naming_different_patients_at_once_make_one_study_document()
    {
        // The subject key (second Cosmos partition level) must come from the study, not from whichever instance
        // arrived first: otherwise two first writes land in two logical partitions as two documents with one id.
        var (handler, store, _) = Handler();
        var uploads = Enumerable.Range(0, Uploads).Select(i => Instance("patients", $"inst-{i}", patientId: $"P-{i}")).ToList();

        var outcomes = await AllAtOnce(uploads, handler);

        Assert.All(outcomes, o => Assert.Equal(IngestStatus.Accepted, o.Status));
        var study = Assert.Single(await AllStudies(store));
        Assert.Equal(Uploads, study.InstanceCount);
        Assert.Equal(Uploads, (await store.ListInstancesAsync(Tenant, study.Id, CancellationToken.None)).Count);
    }

    /// <summary>
    /// Analysis is never lost. A racer that lands while the study is still <c>received</c> queues it too (that is how
    /// a retransmission recovers a study a crash left unqueued); the extra message finds the study analysed already.
    /// </summary>
    private static void AssertAnalysisQueued(InMemoryWorkQueue queue) => Assert.InRange(queue.Pending, 1, Uploads);

    private (IngestionHandler Handler, IStudyStore Store, InMemoryWorkQueue Queue) Handler()
    {
        var store = CreateStore();
        var queue = new InMemoryWorkQueue(TimeProvider.System);
        var handler = new IngestionHandler(new InMemoryOriginalStore(), store, queue, new InMemoryAuditSink(),
            [new DicomDocumentParser()], TimeProvider.System, NullLogger<IngestionHandler>.Instance);
        return (handler, store, queue);
    }

    /// <summary>Starts every upload together (released by one gate) and waits for all of them.</summary>
    private static async Task<IReadOnlyList<IngestOutcome>> AllAtOnce(IEnumerable<byte[]> uploads, IngestionHandler handler)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = uploads.Select((bytes, i) => Task.Run(async () =>
        {
            await gate.Task;
            return await handler.IngestAsync(
                new IngestRequest(Tenant, new MemoryStream(bytes), "application/dicom", "http", "tester", $"corr-{i}"), CancellationToken.None);
        })).ToList();
        gate.SetResult();
        return await Task.WhenAll(running);
    }

    private static async Task<IReadOnlyList<Study>> AllStudies(IStudyStore store) =>
        (await store.QueryAsync(Tenant, new StudyQuery { PageSize = 100 }, CancellationToken.None)).Items;

    /// <summary>A small DICOM instance; a unique run prefix keeps adapters that share a database apart.</summary>
    private byte[] Instance(string study, string instance, string patientId = "P-1", string description = "Chụp X-quang ngực")
    {
        var dataset = DicomIndexContractTests.Dataset(
            DicomUid.FromName($"{run}/study/{study}"), DicomUid.FromName($"{run}/series/{study}"), DicomUid.FromName($"{run}/instance/{study}/{instance}"),
            "Nguyễn^Văn An", patientId, "20260105", "103000", "CR", 1, 1, "ACC-1", "Trần^Bảo", "1.2.840.10008.5.1.4.1.1.1");
        dataset.Add(DicomTags.StudyDescription, description);
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, dataset);
        return stream.ToArray();
    }

    private readonly string run = Guid.NewGuid().ToString("N");
}
