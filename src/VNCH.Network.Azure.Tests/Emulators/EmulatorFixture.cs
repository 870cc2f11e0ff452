using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using VNCH.Network.Azure.Cosmos;
using VNCH.Network.Testing;

namespace VNCH.Network.Azure.Tests.Emulators;

/// <summary>
/// The Azure adapters wired by <see cref="AzureServiceCollectionExtensions.AddVnchAzure"/> against Azurite and
/// cosmosdb-server. Uses the endpoints in VNCH_TEST_STORAGE / VNCH_TEST_COSMOS (test.sh starts the emulators);
/// without them it runs .ci/start-emulators.sh itself and stops what it started. Each run gets its own database,
/// container and queues, so runs never see each other's data.
/// </summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    private readonly string runId = $"t{Guid.NewGuid():N}"[..12];

    public ServiceProvider Services { get; private set; } = null!;

    public AzureClients Clients => Services.GetRequiredService<AzureClients>();

    public string PoisonQueueName => $"{runId}-analyse-poison";

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>The Azure settings of a run against the emulators: its own database, blob container and queues.</summary>
    public static Dictionary<string, string?> Settings(string runId)
    {
        var (storage, cosmos) = EmulatorEndpoints.Get();
        return new()
        {
            ["Vnch:Azure:StorageConnectionString"] = storage,
            ["Vnch:Azure:CosmosConnectionString"] = cosmos,
            ["Vnch:Azure:CosmosDatabase"] = runId,
            // cosmosdb-server keys items by the first partition path only (see docs/adr/0052).
            ["Vnch:Azure:CosmosPartitioning"] = nameof(CosmosPartitioning.TenantOnly),
            ["Vnch:Azure:CreateMissingResources"] = "true",
            ["Vnch:Azure:OriginalsContainer"] = $"{runId}-originals",
            ["Vnch:Azure:AnalyseQueue"] = $"{runId}-analyse",
            // No Service Bus emulator exists: the publisher is tested with a fake sender (ServiceBusEventPublisherTests).
            ["Vnch:Azure:ServiceBusNamespace"] = "sb-emulator-tests.servicebus.windows.net",
        };
    }

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(runId)).Build();
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddSingleton<IConfiguration>(configuration); // the reporting options bind from it
        services.AddVnchAzure(configuration);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        await Services.GetRequiredService<AzureResourceInitializer>().EnsureCreatedAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Clients.Cosmos.GetDatabase(runId).DeleteAsync();
            await Clients.Originals.DeleteIfExistsAsync();
            await Clients.AnalyseQueue.DeleteIfExistsAsync();
            await Clients.AnalysePoisonQueue.DeleteIfExistsAsync();
        }
        finally
        {
            await Services.DisposeAsync();
            EmulatorEndpoints.StopIfStartedHere();
        }
    }
}

/// <summary>
/// The emulator endpoints, once per test process: VNCH_TEST_STORAGE / VNCH_TEST_COSMOS when test.sh started the
/// emulators, otherwise .ci/start-emulators.sh is run here and <see cref="EmulatorFixture"/> stops them at the end.
/// </summary>
public static class EmulatorEndpoints
{
    private static readonly Lazy<(string Storage, string Cosmos)> Endpoints = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);
    private static bool startedHere;

    public static (string Storage, string Cosmos) Get() => Endpoints.Value;

    public static void StopIfStartedHere()
    {
        if (startedHere)
        {
            RunScript("stop-emulators.sh");
            startedHere = false;
        }
    }

    private static (string Storage, string Cosmos) Resolve()
    {
        var storage = Environment.GetEnvironmentVariable("VNCH_TEST_STORAGE");
        var cosmos = Environment.GetEnvironmentVariable("VNCH_TEST_COSMOS");
        if (!string.IsNullOrEmpty(storage) && !string.IsNullOrEmpty(cosmos))
        {
            return (storage, cosmos);
        }

        RunScript("start-emulators.sh");
        startedHere = true;
        var values = File.ReadAllLines(Path.Combine(TestData.RepositoryRoot, ".ci", "tools", "emulators.env"))
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim('\''));
        return (values["VNCH_TEST_STORAGE"], values["VNCH_TEST_COSMOS"]);
    }

    private static void RunScript(string name)
    {
        var script = Path.Combine(TestData.RepositoryRoot, ".ci", name);
        using var process = Process.Start(new ProcessStartInfo("bash", [script]) { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"Could not run {script}.");
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed (the Azure adapter tests need Azurite and cosmosdb-server): {errors.Result}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EmulatorCollection : ICollectionFixture<EmulatorFixture>
{
    public const string Name = "Azure emulators";
}
