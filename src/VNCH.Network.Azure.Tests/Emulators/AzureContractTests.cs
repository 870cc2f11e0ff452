using Microsoft.Azure.Cosmos;
using VNCH.Network.Azure.Cosmos;
using VNCH.Network.Azure.Storage;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Azure.Tests.Emulators;

// The shared port contracts (tests/VNCH.Network.Contracts), run against the Azure adapters on Azurite and
// cosmosdb-server. Each test gets fresh, empty containers/queues (xunit creates one class instance per test).

/// <summary>Creates a fresh Cosmos container per test in the run's emulator database.</summary>
internal static class FreshCosmos
{
    public static async Task<Container> ContainerAsync(EmulatorFixture emulators, CosmosContainerDefinition definition)
    {
        var properties = definition.Properties(CosmosPartitioning.TenantOnly);
        properties.Id = $"{definition.Name}-{Guid.NewGuid():N}";
        var database = emulators.Clients.Cosmos.GetDatabase(emulators.Get<Microsoft.Extensions.Options.IOptions<VnchAzureOptions>>().Value.CosmosDatabase);
        return (await database.CreateContainerAsync(properties)).Container;
    }

    public static CosmosKeys Keys => new(CosmosPartitioning.TenantOnly);

    /// <summary>A study store on fresh <c>studies</c> and <c>instances</c> containers.</summary>
    public static async Task<CosmosStudyStore> StudyStoreAsync(EmulatorFixture emulators) =>
        new(await ContainerAsync(emulators, CosmosContainers.Studies), await ContainerAsync(emulators, CosmosContainers.Instances), Keys);
}

[Collection(EmulatorCollection.Name)]
public sealed class CosmosStudyStoreContract(EmulatorFixture emulators) : StudyStoreContractTests, IAsyncLifetime
{
    private IStudyStore store = null!;

    public async Task InitializeAsync() => store = await FreshCosmos.StudyStoreAsync(emulators);

    public Task DisposeAsync() => Task.CompletedTask;

    protected override IStudyStore CreateStore() => store;
}

[Collection(EmulatorCollection.Name)]
public sealed class CosmosRecordStoreContract(EmulatorFixture emulators) : RecordStoreContractTests, IAsyncLifetime
{
    private IRecordStore store = null!;

    public async Task InitializeAsync() => store = new CosmosRecordStore(await FreshCosmos.ContainerAsync(emulators, CosmosContainers.Records), FreshCosmos.Keys);

    public Task DisposeAsync() => Task.CompletedTask;

    protected override IRecordStore CreateStore() => store;
}

[Collection(EmulatorCollection.Name)]
public sealed class CosmosAuditSinkContract(EmulatorFixture emulators) : AuditSinkContractTests, IAsyncLifetime
{
    private IAuditSink sink = null!;

    public async Task InitializeAsync() => sink = new CosmosAuditSink(await FreshCosmos.ContainerAsync(emulators, CosmosContainers.Audit), FreshCosmos.Keys);

    public Task DisposeAsync() => Task.CompletedTask;

    protected override IAuditSink CreateSink() => sink;
}

[Collection(EmulatorCollection.Name)]
public sealed class BlobOriginalStoreContract(EmulatorFixture emulators) : OriginalStoreContractTests, IAsyncLifetime
{
    private readonly global::Azure.Storage.Blobs.BlobContainerClient container = emulators.Clients.BlobService.GetBlobContainerClient($"originals-{Guid.NewGuid():N}");

    public async Task InitializeAsync() => await container.CreateAsync();

    public async Task DisposeAsync() => await container.DeleteIfExistsAsync();

    protected override IOriginalStore CreateStore() => new BlobOriginalStore(container);
}

/// <summary>Azurite keeps real time: the contract's clock advances are real waits (about three minutes in all).</summary>
[Collection(EmulatorCollection.Name)]
public sealed class StorageQueueWorkQueueContract(EmulatorFixture emulators) : WorkQueueContractTests, IAsyncLifetime
{
    private readonly string name = $"q{Guid.NewGuid():N}";

    private global::Azure.Storage.Queues.QueueClient Queue(string suffix) => emulators.Clients.QueueService.GetQueueClient(name + suffix);

    public async Task InitializeAsync()
    {
        await Queue(string.Empty).CreateAsync();
        await Queue("-poison").CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await Queue(string.Empty).DeleteIfExistsAsync();
        await Queue("-poison").DeleteIfExistsAsync();
    }

    protected override IWorkQueue CreateQueue() => new StorageQueueWorkQueue(Queue(string.Empty), Queue("-poison"));

    protected override Task AdvanceAsync(TimeSpan by) => Task.Delay(by);
}

[Collection(EmulatorCollection.Name)]
public sealed class CosmosDicomIndexContract(EmulatorFixture emulators) : DicomIndexContractTests, IAsyncLifetime
{
    private Core.Features.DicomWeb.IDicomIndex index = null!;

    public async Task InitializeAsync() =>
        index = new CosmosDicomIndex(await FreshCosmos.ContainerAsync(emulators, CosmosContainers.Dicom), FreshCosmos.Keys, TimeProvider.System);

    public Task DisposeAsync() => Task.CompletedTask;

    protected override Core.Features.DicomWeb.IDicomIndex CreateIndex() => index;
}

[Collection(EmulatorCollection.Name)]
public sealed class CosmosConcurrentIngestionContract(EmulatorFixture emulators) : ConcurrentIngestionContractTests, IAsyncLifetime
{
    private IStudyStore store = null!;

    public async Task InitializeAsync() => store = await FreshCosmos.StudyStoreAsync(emulators);

    public Task DisposeAsync() => Task.CompletedTask;

    protected override IStudyStore CreateStore() => store;
}

/// <summary>The reporting cube on a fresh <c>reporting</c> container; a "restart" is a second store over the same container.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class CosmosReportingStoreContract(EmulatorFixture emulators) : ReportingStoreContractTests, IAsyncLifetime
{
    private Container container = null!;

    public async Task InitializeAsync() => container = await FreshCosmos.ContainerAsync(emulators, CosmosContainers.Reporting);

    public Task DisposeAsync() => Task.CompletedTask;

    protected override Core.Features.Reporting.IReportingStore CreateStore() => new CosmosReportingStore(container);

    protected override Core.Features.Reporting.IReportingStore ReopenStore() => new CosmosReportingStore(container);
}

/// <summary>The stepwise finish the Azure host uses (ADR 0117) over Cosmos records, studies, reporting and audit.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class CosmosAnalysisFinishContract(EmulatorFixture emulators) : AnalysisFinishContractTests, IAsyncLifetime
{
    private (IStudyStore Studies, IRecordStore Records, IAuditSink Audit, Core.Features.Reporting.IReportingStore Reporting) stores;

    public async Task InitializeAsync() => stores = (
        await FreshCosmos.StudyStoreAsync(emulators),
        new CosmosRecordStore(await FreshCosmos.ContainerAsync(emulators, CosmosContainers.Records), FreshCosmos.Keys),
        new CosmosAuditSink(await FreshCosmos.ContainerAsync(emulators, CosmosContainers.Audit), FreshCosmos.Keys),
        new CosmosReportingStore(await FreshCosmos.ContainerAsync(emulators, CosmosContainers.Reporting)));

    public Task DisposeAsync() => Task.CompletedTask;

    protected override FinishPorts Create(Core.Features.Tenancy.ITenantDirectory tenants)
    {
        var studies = new Core.Features.Reporting.ReportingStudyStore(stores.Studies,
            new Core.Features.Reporting.ReportingProjector(stores.Reporting, tenants, Microsoft.Extensions.Logging.Abstractions.NullLogger<Core.Features.Reporting.ReportingProjector>.Instance));
        return new FinishPorts(new Core.Features.Analysis.StepwiseAnalysisFinish(stores.Records, studies, stores.Audit), studies, stores.Records, stores.Audit, stores.Reporting);
    }
}
