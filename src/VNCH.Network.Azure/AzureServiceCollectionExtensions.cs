using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VNCH.Network.Azure.Cosmos;
using VNCH.Network.Azure.ServiceBus;
using VNCH.Network.Azure.Storage;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Azure;

public static class AzureServiceCollectionExtensions
{
    /// <summary>
    /// The Azure adapters for every Core port, configured from section <c>Vnch:Azure</c> (validated at start).
    /// Clients authenticate with Entra ID (managed identity in Azure); keys only for loopback emulators.
    /// </summary>
    public static IServiceCollection AddVnchAzure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VnchAzureOptions>().Bind(configuration.GetSection(VnchAzureOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VnchAzureOptions>, VnchAzureOptionsValidator>();

        services.AddSingleton<AzureClients>();
        services.AddSingleton(sp => new CosmosKeys(Options(sp).CosmosPartitioning));
        services.AddSingleton<AzureResourceInitializer>();

        services.AddSingleton<IOriginalStore>(sp => new BlobOriginalStore(Clients(sp).Originals));
        services.AddSingleton<Core.Features.Quotas.IStorageUsage>(sp => new BlobStorageUsage(Clients(sp).Originals));
        services.AddSingleton<Core.Features.Quotas.StorageQuota>();
        services.AddSingleton<IStoreFailureClassifier, AzureStoreFailures>();
        services.AddSingleton<IWorkQueue>(sp => new StorageQueueWorkQueue(Clients(sp).AnalyseQueue, Clients(sp).AnalysePoisonQueue));
        services.AddSingleton<IStudyStore>(sp => new CosmosStudyStore(Clients(sp).Container(CosmosContainers.Studies), Clients(sp).Container(CosmosContainers.Instances), Keys(sp)));
        services.AddSingleton<IRecordStore>(sp => new CosmosRecordStore(Clients(sp).Container(CosmosContainers.Records), Keys(sp)));
        services.AddSingleton<IAuditSink>(sp => new CosmosAuditSink(Clients(sp).Container(CosmosContainers.Audit), Keys(sp)));
        services.AddSingleton<ITenantDirectory>(sp => new CosmosTenantDirectory(Clients(sp).Container(CosmosContainers.Tenants)));
        services.AddSingleton<IEventPublisher>(sp => new ServiceBusEventPublisher(Clients(sp).ResultsSender));
        services.AddSingleton<Core.Features.DicomWeb.IDicomIndex>(sp =>
            new CosmosDicomIndex(Clients(sp).Container(CosmosContainers.Dicom), Keys(sp), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<Core.Features.Reporting.IReportingStore>(sp => new CosmosReportingStore(Clients(sp).Container(CosmosContainers.Reporting)));
        services.AddVnchReporting(); // last: it wraps the study store above so final studies reach the cube
        return services;
    }

    private static VnchAzureOptions Options(IServiceProvider services) => services.GetRequiredService<IOptions<VnchAzureOptions>>().Value;

    private static AzureClients Clients(IServiceProvider services) => services.GetRequiredService<AzureClients>();

    private static CosmosKeys Keys(IServiceProvider services) => services.GetRequiredService<CosmosKeys>();
}

/// <summary>The SDK clients, one each per process (they pool connections and cache tokens).</summary>
public sealed class AzureClients : IAsyncDisposable, IDisposable
{
    private readonly VnchAzureOptions options;
    private readonly Lazy<CosmosClient> cosmos;
    private readonly Lazy<ServiceBusClient> serviceBus;

    public AzureClients(IOptions<VnchAzureOptions> options)
    {
        this.options = options.Value;
        var credential = new Lazy<TokenCredential>(() => CreateCredential(this.options));
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }; // what the Functions queue trigger expects
        if (this.options.StorageConnectionString is { Length: > 0 } storage)
        {
            BlobService = new BlobServiceClient(storage);
            QueueService = new QueueServiceClient(storage, queueOptions);
        }
        else
        {
            BlobService = new BlobServiceClient(this.options.BlobServiceUri, credential.Value);
            QueueService = new QueueServiceClient(this.options.QueueServiceUri, credential.Value, queueOptions);
        }

        cosmos = new Lazy<CosmosClient>(() => this.options.CosmosConnectionString is { Length: > 0 } cosmosConnection
            ? new CosmosClient(cosmosConnection, EmulatorCosmosOptions())
            : new CosmosClient(this.options.CosmosEndpoint!.AbsoluteUri, credential.Value, new CosmosClientOptions
            {
                ApplicationName = "vnch-network",
                ConnectionMode = ConnectionMode.Direct,
            }));
        serviceBus = new Lazy<ServiceBusClient>(() => new ServiceBusClient(this.options.ServiceBusNamespace, credential.Value));
    }

    public BlobServiceClient BlobService { get; }

    public QueueServiceClient QueueService { get; }

    public CosmosClient Cosmos => cosmos.Value;

    public BlobContainerClient Originals => BlobService.GetBlobContainerClient(options.OriginalsContainer);

    public QueueClient AnalyseQueue => QueueService.GetQueueClient(options.AnalyseQueue);

    public QueueClient AnalysePoisonQueue => QueueService.GetQueueClient(options.AnalysePoisonQueue);

    public ServiceBusSender ResultsSender => serviceBus.Value.CreateSender(options.ResultsTopic);

    public Container Container(CosmosContainerDefinition definition) => Cosmos.GetContainer(options.CosmosDatabase, definition.Name);

    /// <summary>For containers disposed synchronously (a host's or a test's <c>using</c>).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (serviceBus.IsValueCreated)
        {
            await serviceBus.Value.DisposeAsync();
        }

        if (cosmos.IsValueCreated)
        {
            cosmos.Value.Dispose();
        }
    }

    private static TokenCredential CreateCredential(VnchAzureOptions options) => options.Credential switch
    {
        AzureCredentialKind.ManagedIdentity => string.IsNullOrEmpty(options.ManagedIdentityClientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(options.ManagedIdentityClientId)),
        _ => new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId }),
    };

    /// <summary>
    /// The emulators serve HTTPS with a self-signed certificate and a single gateway endpoint. Only reachable after the
    /// options validator has confirmed the endpoint is on a loopback address.
    /// </summary>
    private static CosmosClientOptions EmulatorCosmosOptions() => new()
    {
        ApplicationName = "vnch-network-emulator",
        ConnectionMode = ConnectionMode.Gateway,
        LimitToEndpoint = true,
        HttpClientFactory = () => new HttpClient(new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (request, _, _, _) => request.RequestUri is { IsLoopback: true },
        }),
    };
}

/// <summary>Creates the database, containers, blob container and queues when missing (emulators only; Bicep in Azure).</summary>
public sealed class AzureResourceInitializer(AzureClients clients, IOptions<VnchAzureOptions> options)
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.CreateMissingResources)
        {
            throw new InvalidOperationException("Vnch:Azure:CreateMissingResources is off: the resources are provisioned by infra/ (Bicep).");
        }

        await clients.Originals.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await clients.AnalyseQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await clients.AnalysePoisonQueue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var database = (await clients.Cosmos.CreateDatabaseIfNotExistsAsync(settings.CosmosDatabase, cancellationToken: cancellationToken)).Database;
        foreach (var container in CosmosContainers.All)
        {
            await database.CreateContainerIfNotExistsAsync(container.Properties(settings.CosmosPartitioning), cancellationToken: cancellationToken);
        }
    }
}
