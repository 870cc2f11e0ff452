using VNCH.Network.Functions.Reporting;

namespace VNCH.Network.Azure.Tests.Infra;

/// <summary>The reporting cube's infrastructure (ADR 0085): its container's access and the alert on a cube that drifted.</summary>
public sealed class ReportingInfraTests
{
    [Fact]
    public void The_reporting_container_is_the_apps_alone_and_does_not_index_the_bodies()
    {
        var reporting = InfraTests.ModuleTemplate("cosmos")["variables"]!["containers"]!.AsArray().Single(c => (string)c!["name"]! == "reporting")!;
        var excluded = reporting["excludedPaths"]!.AsArray().Select(p => (string)p!["path"]!).ToList();
        Assert.Contains("/fact/*", excluded);
        Assert.Contains("/data/?", excluded);

        // Data contributor on its own container (it deletes extras and old snapshot chunks), never on the account.
        Assert.Contains("reporting", InfraTests.ModuleTemplate("roles")["variables"]!["cosmosContributorContainers"]!.AsArray().Select(c => (string)c!));
    }

    [Fact]
    public void An_alert_fires_on_the_error_the_nightly_cube_check_logs()
    {
        var alert = InfraTests.Resource("monitoring", "Microsoft.Insights/scheduledQueryRules");
        var query = (string)alert["properties"]!["criteria"]!["allOf"]![0]!["query"]!;

        Assert.Contains($"\"{ReportingCubeFunction.DifferedMessage}\"", query, StringComparison.Ordinal);
        Assert.Equal("P1D", (string)alert["properties"]!["evaluationFrequency"]!);
    }
}
