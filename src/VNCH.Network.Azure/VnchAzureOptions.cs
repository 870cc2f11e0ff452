using Microsoft.Extensions.Options;

namespace VNCH.Network.Azure;

public enum AzureCredentialKind
{
    /// <summary>DefaultAzureCredential: managed identity in Azure, developer sign-in (az, azd, VS) locally.</summary>
    Default,

    /// <summary>ManagedIdentityCredential only (system-assigned, or user-assigned when a client id is set).</summary>
    ManagedIdentity,
}

/// <summary>How Cosmos items are partitioned (see docs/adr/0052).</summary>
public enum CosmosPartitioning
{
    /// <summary>Production: hierarchical keys (tenant, second level), containers as in infra/modules/cosmos.bicep.</summary>
    Hierarchical,

    /// <summary>
    /// Tenant only. For the cosmosdb-server emulator, which keys items by the first path only and cannot run the
    /// SDK's hierarchical queries; refused for anything but a loopback emulator.
    /// </summary>
    TenantOnly,
}

/// <summary>
/// Section <c>Vnch:Azure</c>. Production configuration is endpoints plus an Entra ID credential; connection strings
/// (account keys) are accepted only for local emulators on a loopback address.
/// </summary>
public sealed class VnchAzureOptions
{
    public const string Section = "Vnch:Azure";

    public Uri? BlobServiceUri { get; set; }

    public Uri? QueueServiceUri { get; set; }

    /// <summary>Azurite only.</summary>
    public string? StorageConnectionString { get; set; }

    public Uri? CosmosEndpoint { get; set; }

    /// <summary>cosmosdb-server / Cosmos emulator only.</summary>
    public string? CosmosConnectionString { get; set; }

    public string CosmosDatabase { get; set; } = "vnch";

    public CosmosPartitioning CosmosPartitioning { get; set; } = CosmosPartitioning.Hierarchical;

    /// <summary>Creates the database, containers and queues when missing (emulators; Bicep owns them in Azure).</summary>
    public bool CreateMissingResources { get; set; }

    /// <summary>Fully qualified namespace, e.g. sb-xyz.servicebus.windows.net.</summary>
    public string? ServiceBusNamespace { get; set; }

    public string ResultsTopic { get; set; } = "study-results";

    public string OriginalsContainer { get; set; } = "originals";

    /// <summary>The analyse work queue; the Functions queue trigger binds to this setting (<see cref="AnalyseQueueSetting"/>).</summary>
    public string AnalyseQueue { get; set; } = "analyse";

    /// <summary>Where the Functions host moves a message after host.json's maxDequeueCount: always "{queue}-poison".</summary>
    public string AnalysePoisonQueue => $"{AnalyseQueue}-poison";

    /// <summary>The configuration key of <see cref="AnalyseQueue"/>, as trigger bindings name it (<c>%...%</c>).</summary>
    public const string AnalyseQueueSetting = Section + ":" + nameof(AnalyseQueue);

    public AzureCredentialKind Credential { get; set; } = AzureCredentialKind.Default;

    /// <summary>Client id of a user-assigned managed identity; empty for the system-assigned one.</summary>
    public string? ManagedIdentityClientId { get; set; }
}

/// <summary>Checked at start: a misconfigured host refuses to run instead of failing on the first request.</summary>
public sealed class VnchAzureOptionsValidator : IValidateOptions<VnchAzureOptions>
{
    public ValidateOptionsResult Validate(string? name, VnchAzureOptions options)
    {
        var errors = new List<string>();
        var storageEmulator = false;

        if (options.StorageConnectionString is { Length: > 0 } storage)
        {
            if (options.BlobServiceUri is not null || options.QueueServiceUri is not null)
            {
                errors.Add("Set either Vnch:Azure:StorageConnectionString (emulator) or BlobServiceUri/QueueServiceUri, not both.");
            }

            storageEmulator = IsEmulatorConnectionString(storage, "BlobEndpoint", "QueueEndpoint");
            if (!storageEmulator)
            {
                errors.Add("Vnch:Azure:StorageConnectionString is only accepted for Azurite on a loopback address; use BlobServiceUri and QueueServiceUri with a managed identity.");
            }
        }
        else
        {
            RequireHttps(options.BlobServiceUri, "BlobServiceUri", errors);
            RequireHttps(options.QueueServiceUri, "QueueServiceUri", errors);
        }

        var cosmosEmulator = false;
        if (options.CosmosConnectionString is { Length: > 0 } cosmos)
        {
            if (options.CosmosEndpoint is not null)
            {
                errors.Add("Set either Vnch:Azure:CosmosConnectionString (emulator) or CosmosEndpoint, not both.");
            }

            cosmosEmulator = IsEmulatorConnectionString(cosmos, "AccountEndpoint");
            if (!cosmosEmulator)
            {
                errors.Add("Vnch:Azure:CosmosConnectionString is only accepted for a Cosmos DB emulator on a loopback address; use CosmosEndpoint with a managed identity.");
            }
        }
        else
        {
            RequireHttps(options.CosmosEndpoint, "CosmosEndpoint", errors);
        }

        if (options.CosmosPartitioning == CosmosPartitioning.TenantOnly && !cosmosEmulator)
        {
            errors.Add("Vnch:Azure:CosmosPartitioning=TenantOnly is for the local emulator only: production containers use hierarchical partition keys.");
        }

        if (options.CreateMissingResources && !(storageEmulator && cosmosEmulator))
        {
            errors.Add("Vnch:Azure:CreateMissingResources is for emulators only: in Azure the Bicep templates own the resources.");
        }

        if (string.IsNullOrWhiteSpace(options.ServiceBusNamespace) || options.ServiceBusNamespace.Contains("://", StringComparison.Ordinal) ||
            options.ServiceBusNamespace.Contains(';', StringComparison.Ordinal))
        {
            errors.Add("Vnch:Azure:ServiceBusNamespace must be the fully qualified namespace host name (e.g. sb-x.servicebus.windows.net), not a connection string.");
        }

        foreach (var (value, setting) in new[]
                 {
                     (options.CosmosDatabase, "CosmosDatabase"), (options.ResultsTopic, "ResultsTopic"),
                     (options.OriginalsContainer, "OriginalsContainer"), (options.AnalyseQueue, "AnalyseQueue"),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add($"Vnch:Azure:{setting} is required.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void RequireHttps(Uri? uri, string setting, List<string> errors)
    {
        if (uri is null || !uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"Vnch:Azure:{setting} must be an absolute https endpoint.");
        }
    }

    /// <summary>True when every endpoint the connection string names is on a loopback address (or it is UseDevelopmentStorage).</summary>
    internal static bool IsEmulatorConnectionString(string connectionString, params string[] endpointKeys)
    {
        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        if (parts.TryGetValue("UseDevelopmentStorage", out var development) && development.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var endpoints = endpointKeys.Select(k => parts.GetValueOrDefault(k)).ToList();
        return endpoints.All(e => e is not null && Uri.TryCreate(e, UriKind.Absolute, out var uri) && uri.IsLoopback);
    }
}
