using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace VNCH.Network.Azure.Tests.Unit;

public sealed class VnchAzureOptionsTests
{
    private const string Azurite = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;";
    private const string CosmosEmulator = "AccountEndpoint=https://127.0.0.1:8081/;AccountKey=a2V5";

    private static VnchAzureOptions Production() => new()
    {
        BlobServiceUri = new Uri("https://stx.blob.core.windows.net/"),
        QueueServiceUri = new Uri("https://stx.queue.core.windows.net/"),
        CosmosEndpoint = new Uri("https://cosmos-x.documents.azure.com:443/"),
        ServiceBusNamespace = "sb-x.servicebus.windows.net",
    };

    private static ValidateOptionsResult Validate(VnchAzureOptions options) => new VnchAzureOptionsValidator().Validate(null, options);

    [Fact]
    public void Endpoints_with_an_identity_are_valid()
    {
        Assert.True(Validate(Production()).Succeeded);
    }

    [Fact]
    public void Emulator_connection_strings_on_loopback_are_valid()
    {
        var options = new VnchAzureOptions
        {
            StorageConnectionString = Azurite,
            CosmosConnectionString = CosmosEmulator,
            CosmosPartitioning = CosmosPartitioning.TenantOnly,
            CreateMissingResources = true,
            ServiceBusNamespace = "sb-x.servicebus.windows.net",
        };
        Assert.True(Validate(options).Succeeded, Validate(options).FailureMessage);
        Assert.True(Validate(new VnchAzureOptions { StorageConnectionString = "UseDevelopmentStorage=true", CosmosConnectionString = CosmosEmulator, ServiceBusNamespace = "sb.x.net" }).Succeeded);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=prod;AccountKey=a2V5;EndpointSuffix=core.windows.net", null, "StorageConnectionString")]
    [InlineData(null, "AccountEndpoint=https://cosmos-x.documents.azure.com:443/;AccountKey=a2V5", "CosmosConnectionString")]
    public void Account_keys_for_real_accounts_are_refused(string? storage, string? cosmos, string setting)
    {
        var options = Production();
        if (storage is not null)
        {
            options.BlobServiceUri = options.QueueServiceUri = null;
            options.StorageConnectionString = storage;
        }

        if (cosmos is not null)
        {
            options.CosmosEndpoint = null;
            options.CosmosConnectionString = cosmos;
        }

        var result = Validate(options);
        Assert.True(result.Failed);
        Assert.Contains(setting, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Emulator_only_switches_are_refused_against_real_accounts()
    {
        var options = Production();
        options.CosmosPartitioning = CosmosPartitioning.TenantOnly;
        options.CreateMissingResources = true;

        var result = Validate(options);

        Assert.Contains("CosmosPartitioning", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("CreateMissingResources", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=a2V5")]
    public void Service_bus_needs_a_namespace_not_a_connection_string(string? value)
    {
        var options = Production();
        options.ServiceBusNamespace = value;
        Assert.Contains("ServiceBusNamespace", Validate(options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_and_plain_http_endpoints_are_refused()
    {
        var options = Production();
        options.BlobServiceUri = new Uri("http://stx.blob.core.windows.net/");
        options.CosmosEndpoint = null;

        var result = Validate(options);

        Assert.Contains("BlobServiceUri", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("CosmosEndpoint", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AddVnchAzure_validates_when_the_options_are_first_used()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vnch:Azure:CosmosEndpoint"] = "https://cosmos-x.documents.azure.com/",
        }).Build();
        using var services = new ServiceCollection().AddVnchAzure(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<VnchAzureOptions>>().Value);
        Assert.Contains("BlobServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_functions_app_settings_in_bicep_bind_to_these_options()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vnch:Azure:BlobServiceUri"] = "https://stx.blob.core.windows.net/",
            ["Vnch:Azure:QueueServiceUri"] = "https://stx.queue.core.windows.net/",
            ["Vnch:Azure:CosmosEndpoint"] = "https://cosmos-x.documents.azure.com:443/",
            ["Vnch:Azure:CosmosDatabase"] = "vnch",
            ["Vnch:Azure:ServiceBusNamespace"] = "sb-x.servicebus.windows.net",
            ["Vnch:Azure:ResultsTopic"] = "study-results",
        }).Build();
        using var services = new ServiceCollection().AddVnchAzure(configuration).BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<VnchAzureOptions>>().Value;

        Assert.Equal("cosmos-x.documents.azure.com", options.CosmosEndpoint!.Host);
        Assert.Equal("sb-x.servicebus.windows.net", options.ServiceBusNamespace);
        Assert.Equal(CosmosPartitioning.Hierarchical, options.CosmosPartitioning);
        Assert.False(options.CreateMissingResources);
    }
}
