using System.Text.Json.Nodes;
using VNCH.Network.Functions.Ingestion;

namespace VNCH.Network.Azure.Tests.Infra;

/// <summary>
/// Issue 13 item 10 (and the Azure half of item 5), asserted on the ARM JSON the Bicep CLI compiles from
/// infra/main.bicep: private networking as a parameter, storage roles scoped to containers and queues, an audit trail
/// the app can append to but not rewrite, immutable versioned originals, Event Grid delivery without a function key,
/// and inbox writers confined to their hospital's prefix.
/// </summary>
public sealed class HardenedInfraTests
{
    [Fact]
    public void Private_networking_is_a_parameter_that_closes_cosmos_firewalls_storage_and_service_bus_and_adds_private_endpoints()
    {
        var parameter = InfraTests.Template["parameters"]!["privateNetworking"]!;
        Assert.Equal("bool", (string)parameter["type"]!);

        Assert.Equal("[if(parameters('privateNetworking'), 'Disabled', 'Enabled')]",
            (string)InfraTests.Resource("cosmos", "Microsoft.DocumentDB/databaseAccounts")["properties"]!["publicNetworkAccess"]!);
        var storageAcls = (string)InfraTests.Resource("storage", "Microsoft.Storage/storageAccounts")["properties"]!["networkAcls"]!;
        Assert.StartsWith("[if(parameters('privateNetworking'), createObject('defaultAction', 'Deny', 'bypass', 'AzureServices', 'ipRules'", storageAcls, StringComparison.Ordinal);
        var serviceBusRules = InfraTests.Resource("servicebus", "Microsoft.ServiceBus/namespaces/networkRuleSets");
        Assert.Equal("[parameters('privateNetworking')]", (string)serviceBusRules["condition"]!);
        Assert.Equal("Deny", (string)serviceBusRules["properties"]!["defaultAction"]!);

        var network = InfraTests.Module("network");
        Assert.Equal("[parameters('privateNetworking')]", (string)network["condition"]!);
        var text = InfraTests.ModuleTemplate("network").ToJsonString(InfraTests.Relaxed);
        foreach (var groupId in new[] { "blob", "queue", "Sql", "namespace" })
        {
            Assert.Contains($"\"groupId\":\"{groupId}\"", text, StringComparison.Ordinal);
        }

        Assert.Contains("Microsoft.App/environments", text, StringComparison.Ordinal); // the Flex Consumption integration subnet
        Assert.Contains("virtualNetworkSubnetId", InfraTests.Resource("functionapp", "Microsoft.Web/sites")["properties"]!.AsObject().Select(p => p.Key));
        var subnet = InfraTests.Module("functionapp")["properties"]!["parameters"]!["virtualNetworkSubnetId"]!.ToJsonString(InfraTests.Relaxed);
        Assert.Contains("'Microsoft.Resources/deployments', 'network')", subnet, StringComparison.Ordinal);
        Assert.Contains(".outputs.appSubnetId.value", subnet, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_storage_role_of_the_app_is_scoped_to_one_container_or_queue_never_the_account()
    {
        var assignments = Resources("roles").Where(r => (string)r["type"]! == "Microsoft.Authorization/roleAssignments").ToList();
        var storage = assignments.Where(r => ((string)r["scope"]!).Contains("Microsoft.Storage", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, storage.Count); // one loop over containers, one over queues
        Assert.All(storage, r => Assert.Matches(@"^\[resourceId\('Microsoft\.Storage/storageAccounts/(blobServices/containers|queueServices/queues)',", (string)r["scope"]!));
        var roles = InfraTests.ModuleTemplate("roles");
        var grants = roles["variables"]!["blobRoles"]!.ToJsonString(InfraTests.Relaxed);
        // Owner only on the host's own containers; the inbox is read-only to the app.
        Assert.Contains("variables('roleIds').storageBlobDataReader", grants, StringComparison.Ordinal);
        Assert.Contains("\"azure-webjobs-hosts\"", InfraTests.ModuleTemplate("storage")["variables"]!["hostContainerNames"]!.ToJsonString(InfraTests.Relaxed), StringComparison.Ordinal);
        var queues = InfraTests.Module("roles")["properties"]!["parameters"]!["queueNames"]!["value"]!.AsArray();
        Assert.Equal(4, queues.Count);
    }

    [Fact]
    public void The_app_can_append_to_the_audit_trail_but_not_replace_upsert_or_delete_it()
    {
        var definition = Resources("roles").Single(r => (string)r["type"]! == "Microsoft.DocumentDB/databaseAccounts/sqlRoleDefinitions");
        var actions = definition["properties"]!["permissions"]![0]!["dataActions"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create", actions);
        Assert.All(actions, a => Assert.DoesNotContain("*", a, StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.EndsWith("/replace", StringComparison.Ordinal) || a.EndsWith("/upsert", StringComparison.Ordinal) || a.EndsWith("/delete", StringComparison.Ordinal));
        Assert.Contains("/colls/audit'", (string)definition["properties"]!["assignableScopes"]![0]!, StringComparison.Ordinal);

        // No Cosmos role of the app reaches the audit container or the whole account except the appender.
        var cosmosAssignments = Resources("roles").Where(r => (string)r["type"]! == "Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments").ToList();
        Assert.All(cosmosAssignments, r => Assert.Contains("/colls/", (string)r["properties"]!["scope"]!, StringComparison.Ordinal));
        Assert.DoesNotContain("audit", InfraTests.ModuleTemplate("roles")["variables"]!["cosmosContributorContainers"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Originals_are_versioned_and_immutable_for_the_retention_period()
    {
        Assert.True((bool)InfraTests.Resource("storage", "Microsoft.Storage/storageAccounts/blobServices")["properties"]!["isVersioningEnabled"]!);
        var containers = Resources("storage").Where(r => (string)r["type"]! == "Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        var originals = Assert.Single(containers, c => c["properties"]!["immutableStorageWithVersioning"] is not null);
        Assert.True((bool)originals["properties"]!["immutableStorageWithVersioning"]!["enabled"]!);
        Assert.Contains("originalsContainerName", (string)originals["name"]!, StringComparison.Ordinal);
        var policy = InfraTests.Resource("storage", "Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies");
        Assert.Equal("[parameters('originalsRetentionDays')]", (string)policy["properties"]!["immutabilityPeriodSinceCreationInDays"]!);
        Assert.False((bool)policy["properties"]!["allowProtectedAppendWrites"]!);
    }

    [Fact]
    public void Event_grid_delivers_inbox_events_to_the_ingest_queue_with_its_own_identity_and_no_key()
    {
        Assert.DoesNotContain("listKeys", InfraTests.Template.ToJsonString(InfraTests.Relaxed), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("code=", InfraTests.Template.ToJsonString(InfraTests.Relaxed), StringComparison.Ordinal);
        var subscription = InfraTests.Resource("inboxevents", "Microsoft.EventGrid/systemTopics/eventSubscriptions");
        var delivery = subscription["properties"]!["deliveryWithResourceIdentity"]!;
        Assert.Equal("SystemAssigned", (string)delivery["identity"]!["type"]!);
        Assert.Equal("StorageQueue", (string)delivery["destination"]!["endpointType"]!);
        Assert.Null(subscription["properties"]!["destination"]);
        Assert.Equal(InboxEventFunction.Queue, (string)InfraTests.ModuleTemplate("storage")["variables"]!["inboxEventsQueueName"]!);
        Assert.Equal(InboxEvents.BlobCreated, (string)subscription["properties"]!["filter"]!["includedEventTypes"]![0]!);
        Assert.Null(InfraTests.Module("inboxevents")["condition"]); // created at first provision: nothing waits for the app
    }

    [Fact]
    public void Each_hospital_inbox_writer_may_write_only_its_own_prefix()
    {
        var writer = InfraTests.Resource("inboxwriters", "Microsoft.Authorization/roleAssignments");
        Assert.Contains("'Microsoft.Storage/storageAccounts/blobServices/containers'", (string)writer["scope"]!, StringComparison.Ordinal);
        Assert.Equal("2.0", (string)writer["properties"]!["conditionVersion"]!);
        var condition = (string)writer["properties"]!["condition"]!;
        Assert.Contains("@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] StringStartsWith", condition, StringComparison.Ordinal);
        Assert.Contains(".tenantId", condition, StringComparison.Ordinal);
        var actions = InfraTests.ModuleTemplate("inboxwriters")["variables"]!["blobActions"]!.AsArray().Select(a => (string)a!).ToList();
        Assert.Contains("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", actions);
        Assert.Contains("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action", actions);
    }

    private static IEnumerable<JsonObject> Resources(string module) => InfraTests.Resources(module);
}
