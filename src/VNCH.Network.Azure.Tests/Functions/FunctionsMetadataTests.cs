using System.Text.Json.Nodes;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Testing;

namespace VNCH.Network.Azure.Tests.Functions;

/// <summary>
/// Reads the functions.metadata that the Functions worker SDK generated in the app's build output (what the Azure
/// host will load) and holds it against the shared route table and the queue/blob settings.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<JsonArray> Metadata = new(LoadMetadata);

    private static IEnumerable<JsonObject> Functions => Metadata.Value.Select(f => f!.AsObject());

    private static JsonObject Trigger(JsonObject function) =>
        function["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => ((string)b["type"]!).EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void Http_triggers_serve_exactly_the_embedded_servers_route_table()
    {
        var routePrefix = (string?)HostJson()["extensions"]?["http"]?["routePrefix"] ?? "api";
        var served = Functions
            .Where(f => (string)Trigger(f)["type"]! == "httpTrigger")
            .SelectMany(f => Trigger(f)["methods"]!.AsArray().Select(m =>
                $"{(string)f["name"]!} {((string)m!).ToUpperInvariant()} /{routePrefix}/{(string)Trigger(f)["route"]!}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var table = ApiRoutes.All.Select(r => $"{r.Name} {r.Method.ToUpperInvariant()} {r.Pattern}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(table, served);
    }

    [Fact]
    public void Http_triggers_leave_authentication_to_the_bearer_token_pipeline()
    {
        Assert.All(Functions.Where(f => (string)Trigger(f)["type"]! == "httpTrigger"),
            f => Assert.Equal("Anonymous", (string)Trigger(f)["authLevel"]!));
    }

    [Fact]
    public void Queue_triggers_read_the_queues_the_adapters_write()
    {
        var queues = Functions.Where(f => (string)Trigger(f)["type"]! == "queueTrigger")
            .ToDictionary(f => (string)f["name"]!, f => (string)Trigger(f)["queueName"]!);

        // Bound to the setting the adapters read (Vnch:Azure:AnalyseQueue), never a name of their own.
        Assert.Equal("%Vnch:Azure:AnalyseQueue%", queues["AnalyseStudy"]);
        // The host moves a message to "<queue>-poison" after maxDequeueCount: that is the queue the poison trigger reads.
        Assert.Equal("%Vnch:Azure:AnalyseQueue%-poison", queues["AnalysePoison"]);
        var options = new VnchAzureOptions { AnalyseQueue = "q-x" };
        Assert.Equal("q-x-poison", options.AnalysePoisonQueue);
    }

    [Fact]
    public void Host_retries_match_the_analysis_attempt_budget()
    {
        var queues = HostJson()["extensions"]!["queues"]!;
        Assert.Equal(new WorkRetryOptions().MaxAttempts, (int)queues["maxDequeueCount"]!);
        Assert.True(TimeSpan.Parse((string)queues["visibilityTimeout"]!, System.Globalization.CultureInfo.InvariantCulture) > TimeSpan.Zero);
    }

    [Fact]
    public void The_app_refuses_to_start_when_host_json_and_the_attempt_budget_disagree()
    {
        var hostJson = Path.Combine(TestData.RepositoryRoot, "host.json");
        var validator = new VNCH.Network.Functions.Analysis.HostJsonRetryValidator(hostJson);
        Assert.True(validator.Validate(null, new WorkRetryOptions()).Succeeded);

        var disagreeing = validator.Validate(null, new WorkRetryOptions { MaxAttempts = 9 });
        Assert.True(disagreeing.Failed);
        Assert.Contains("maxDequeueCount (5) must equal Analysis:MaxAttempts (9)", disagreeing.FailureMessage, StringComparison.Ordinal);
        Assert.True(new VNCH.Network.Functions.Analysis.HostJsonRetryValidator(Path.Combine(TestData.RepositoryRoot, "no-such-host.json"))
            .Validate(null, new WorkRetryOptions()).Failed);
    }

    [Fact]
    public void The_inbox_trigger_reads_the_queue_event_grid_delivers_into_with_its_identity()
    {
        var queue = Trigger(Functions.Single(f => (string)f["name"]! == "IngestInboxEvent"));
        Assert.Equal("queueTrigger", (string)queue["type"]!);
        Assert.Equal(VNCH.Network.Functions.Ingestion.InboxEventFunction.Queue, (string)queue["queueName"]!);
        // The Bicep Event Grid subscription delivers into this queue (and no blob trigger webhook with a key exists).
        Assert.Contains($"inboxEventsQueueName = '{VNCH.Network.Functions.Ingestion.InboxEventFunction.Queue}'",
            File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "infra", "modules", "storage.bicep")), StringComparison.Ordinal);
        Assert.DoesNotContain(Functions, f => (string)Trigger(f)["type"]! == "blobTrigger");
    }

    [Fact]
    public void A_housekeeping_timer_runs()
    {
        var timer = Trigger(Functions.Single(f => (string)f["name"]! == "RequeueStalledStudies"));
        Assert.Equal("timerTrigger", (string)timer["type"]!);
        Assert.Equal(6, ((string)timer["schedule"]!).Split(' ').Length);
    }

    [Fact]
    public void A_nightly_timer_verifies_and_repairs_the_reporting_cube()
    {
        var timer = Trigger(Functions.Single(f => (string)f["name"]! == VNCH.Network.Functions.Reporting.ReportingCubeFunction.Name));
        Assert.Equal("timerTrigger", (string)timer["type"]!);
        Assert.Equal("0 30 19 * * *", (string)timer["schedule"]!); // 02:30 in Vietnam (UTC+7), once a day
    }

    [Fact]
    public void The_app_ships_the_repository_host_json()
    {
        Assert.Equal(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "host.json")), File.ReadAllText(Path.Combine(OutputFolder(), "host.json")));
    }

    [Fact]
    public void The_app_has_no_path_to_the_embedded_hosts_local_signing_key()
    {
        var references = typeof(VNCH.Network.Functions.Auth.EntraAuthentication).Assembly.GetReferencedAssemblies().Select(a => a.Name);
        Assert.DoesNotContain("VNCH.Network.Embedded", references);
        Assert.DoesNotContain("VNCH.Network.Server", references);
    }

    private static JsonObject HostJson() => JsonNode.Parse(File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "host.json")))!.AsObject();

    private static JsonArray LoadMetadata()
    {
        var path = Path.Combine(OutputFolder(), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} was not generated: build functions/VNCH.Network.Functions first.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray();
    }

    /// <summary>The Functions project's own output folder, in the configuration this test assembly was built in.</summary>
    private static string OutputFolder()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        return Path.Combine(TestData.RepositoryRoot, "functions", "VNCH.Network.Functions", "bin", configuration, "net10.0");
    }
}
