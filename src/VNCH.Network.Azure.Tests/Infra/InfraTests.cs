using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using VNCH.Network.Azure.Cosmos;
using VNCH.Network.Testing;

namespace VNCH.Network.Azure.Tests.Infra;

/// <summary>
/// Compiles infra/main.bicep with the Bicep CLI (installed from its NuGet package by .ci/install-bicep.sh) and checks
/// the template against the code: the lint is clean, the Cosmos containers and app settings are the ones the
/// adapters use, no key-based access is left on, and azure.yaml points at the Functions project.
/// </summary>
public sealed class InfraTests
{
    private static readonly string Root = TestData.RepositoryRoot;
    private static readonly Lazy<(JsonObject Template, string Diagnostics)> Compiled = new(Compile);

    /// <summary>Keeps quotes in Bicep expressions readable (the default encoder escapes them).</summary>
    internal static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    internal static JsonObject Template => Compiled.Value.Template;

    [Fact]
    public void Bicep_compiles_without_warnings()
    {
        Assert.Equal(string.Empty, Compiled.Value.Diagnostics.Trim());
        Assert.Equal("Microsoft.Resources/resourceGroups", (string)Template["resources"]![0]!["type"]!);
    }

    [Fact]
    public void Cosmos_containers_match_the_adapters_partition_keys_and_indexes()
    {
        var declared = ModuleTemplate("cosmos")["variables"]!["containers"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => c!.AsObject());
        foreach (var container in CosmosContainers.All)
        {
            Assert.True(declared.TryGetValue(container.Name, out var bicep), $"infra does not declare the '{container.Name}' container");
            Assert.Equal(container.PartitionPaths, bicep["paths"]!.AsArray().Select(p => (string)p!));
            var indexes = bicep["compositeIndexes"]!.AsArray().Select(i => i!.AsArray().Select(p => $"{p!["path"]} {p["order"]}").ToList()).ToList();
            Assert.Equal(container.CompositeIndexes.Select(i => i.Select(p => $"{p.Path} {p.Order.ToString().ToLowerInvariant()}").ToList()), indexes);
        }

        var resource = ModuleTemplate("cosmos")["resources"]!.AsArray().Single(r => (string)r!["type"]! == "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers");
        Assert.Contains("'MultiHash'", resource!.ToJsonString(Relaxed), StringComparison.Ordinal);
        Assert.Contains("'version', 2", resource.ToJsonString(Relaxed), StringComparison.Ordinal);
    }

    [Fact]
    public void App_settings_are_endpoints_and_names_never_keys()
    {
        var settings = ModuleParameters("functionapp")["appSettings"]!["value"]!.AsObject();
        var names = settings.Select(s => s.Key).ToList();

        var optionNames = typeof(VnchAzureOptions).GetProperties().Select(p => p.Name).ToHashSet();
        foreach (var name in names.Where(n => n.StartsWith("Vnch__Azure__", StringComparison.Ordinal)))
        {
            Assert.Contains(name["Vnch__Azure__".Length..], optionNames);
        }

        Assert.Contains("Vnch__Azure__BlobServiceUri", names);
        Assert.Contains("Vnch__Azure__QueueServiceUri", names);
        Assert.Contains("Vnch__Azure__CosmosEndpoint", names);
        Assert.Contains("Vnch__Azure__ServiceBusNamespace", names);
        Assert.Contains("AzureWebJobsStorage__accountName", names);
        Assert.DoesNotContain("AzureWebJobsStorage", names);
        Assert.All(["AzureAd__Instance", "AzureAd__TenantId", "AzureAd__ClientId"], n => Assert.Contains(n, names));
        Assert.All(names, n => Assert.DoesNotContain("ConnectionString", n, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("listKeys", settings.ToJsonString(Relaxed), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey", settings.ToJsonString(Relaxed), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Key_based_access_is_disabled_on_every_data_service()
    {
        Assert.False((bool)Resource("storage", "Microsoft.Storage/storageAccounts")["properties"]!["allowSharedKeyAccess"]!);
        Assert.True((bool)Resource("cosmos", "Microsoft.DocumentDB/databaseAccounts")["properties"]!["disableLocalAuth"]!);
        Assert.True((bool)Resource("servicebus", "Microsoft.ServiceBus/namespaces")["properties"]!["disableLocalAuth"]!);
        Assert.True((bool)Resource("monitoring", "Microsoft.Insights/components")["properties"]!["DisableLocalAuth"]!);
    }

    [Fact]
    public void The_app_identity_gets_exactly_the_data_roles_it_needs()
    {
        var roles = ModuleTemplate("roles");
        var text = roles.ToJsonString(Relaxed);
        foreach (var role in new[]
                 {
                     "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", // Storage Blob Data Owner
                     "974c5e8b-45b9-4653-ba55-5f855dd0fb88", // Storage Queue Data Contributor
                     "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", // Azure Service Bus Data Sender
                     "00000000-0000-0000-0000-000000000002", // Cosmos DB Built-in Data Contributor
                 })
        {
            Assert.Contains(role, text, StringComparison.Ordinal);
        }

        Assert.Contains(roles["resources"]!.AsArray(), r => (string)r!["type"]! == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments");
    }

    [Fact]
    public void Storage_names_match_the_adapters_and_triggers()
    {
        var options = new VnchAzureOptions();
        var storage = ModuleTemplate("storage").ToJsonString(Relaxed);
        Assert.Contains($"\"{options.OriginalsContainer}\"", storage, StringComparison.Ordinal);
        Assert.Contains("\"inbox\"", storage, StringComparison.Ordinal);
        // One name for the analyse queue: the storage module creates it and '<it>-poison', and hands it to the app
        // setting the queue trigger binds to.
        Assert.Equal(options.AnalyseQueue, (string)ModuleTemplate("storage")["variables"]!["analyseQueueName"]!);
        Assert.Contains("'{0}-poison', variables('analyseQueueName')", storage, StringComparison.Ordinal);
        var appSettings = Module("functionapp")["properties"]!["parameters"]!["appSettings"]!["value"]!;
        var queueSetting = (string)appSettings["Vnch__Azure__AnalyseQueue"]!;
        Assert.Contains("'storage')", queueSetting, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.analyseQueueName.value]", queueSetting, StringComparison.Ordinal);
        Assert.Equal(options.ResultsTopic, (string)ModuleTemplate("servicebus")["parameters"]!["topicName"]!["defaultValue"]!);
    }

    [Fact]
    public void Each_hospital_subscription_filters_on_the_tenant_property_the_publisher_sets()
    {
        var rule = Resource("servicebus", "Microsoft.ServiceBus/namespaces/topics/subscriptions/rules");
        Assert.Equal("SqlFilter", (string)rule["properties"]!["filterType"]!);
        Assert.Contains(ServiceBus.ServiceBusEventPublisher.TenantProperty + " = ", rule["properties"]!["sqlFilter"]!.ToJsonString(Relaxed), StringComparison.Ordinal);
    }

    [Fact]
    public void Azure_yaml_deploys_the_functions_project_with_the_bicep_in_infra()
    {
        var yaml = File.ReadAllLines(Path.Combine(Root, "azure.yaml"));
        var api = PortalInfraTests.ServiceBlock(yaml, "api");
        string Value(string key) => yaml.Select(l => l.Trim()).First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

        Assert.Equal("./functions/VNCH.Network.Functions", Value("project"));
        Assert.True(File.Exists(Path.Combine(Root, "functions", "VNCH.Network.Functions", "VNCH.Network.Functions.csproj")));
        Assert.Equal("function", Value("host"));
        Assert.Equal("dotnet", Value("language"));
        Assert.Equal("infra", Value("path"));
        Assert.Equal("main", Value("module"));
        Assert.Contains("  api:", yaml);
        // azd finds the app by this tag: the service name in azure.yaml.
        Assert.Equal("api", (string)ModuleParameters("functionapp")["serviceName"]!["value"]!);
        // No post-deploy hook: the inbox Event Grid subscription needs no function key, so one provision makes everything.
        // (The portal's service builds its files before packaging: PortalInfraTests.)
        Assert.DoesNotContain(yaml, l => l.StartsWith("hooks:", StringComparison.Ordinal));
        Assert.DoesNotContain(api, l => l.TrimStart().StartsWith("hooks:", StringComparison.Ordinal));
        Assert.Contains("    project: ./functions/VNCH.Network.Functions", api);
    }

    [Fact]
    public void Parameters_file_supplies_every_required_parameter()
    {
        var parameters = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "infra", "main.parameters.json")))!["parameters"]!.AsObject();
        var required = Template["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key);
        Assert.All(required, name => Assert.True(parameters.ContainsKey(name), $"main.parameters.json lacks '{name}'"));
        Assert.All(parameters.Select(p => p.Key), name => Assert.True(Template["parameters"]!.AsObject().ContainsKey(name), $"'{name}' is not a parameter of main.bicep"));
    }

    internal static JsonObject Module(string name) =>
        Template["resources"]!.AsArray().Single(r => (string)r!["type"]! == "Microsoft.Resources/deployments" && (string)r["name"]! == name)!.AsObject();

    internal static JsonObject ModuleTemplate(string name) => Module(name)["properties"]!["template"]!.AsObject();

    private static JsonObject ModuleParameters(string name) => Module(name)["properties"]!["parameters"]!.AsObject();

    internal static JsonObject Resource(string module, string type) => Resources(module).Single(r => (string)r["type"]! == type);

    internal static IEnumerable<JsonObject> Resources(string module)
    {
        var resources = ModuleTemplate(module)["resources"]!;
        // Bicep emits resources as an array, or as an object keyed by symbolic name when it needs to.
        return resources is JsonArray array ? array.Select(r => r!.AsObject()) : resources.AsObject().Select(r => r.Value!.AsObject());
    }

    private static (JsonObject, string) Compile()
    {
        var bicep = Run("bash", [Path.Combine(Root, ".ci", "install-bicep.sh")]).Output.Trim();
        var (json, diagnostics) = Run(bicep, ["build", Path.Combine(Root, "infra", "main.bicep"), "--stdout"]);
        return (JsonNode.Parse(json)!.AsObject(), diagnostics);
    }

    private static (string Output, string Errors) Run(string program, string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"Could not start {program}.");
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {errors.Result}");
        }

        return (output, errors.Result);
    }
}
