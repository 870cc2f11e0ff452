using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>
/// ADR 0105 at the operator's command line: `vnch tenant add` never registers a mapping the caller could choose (a
/// directory alone, a group or role without its directory), and registers groups and app roles qualified by it.
/// </summary>
public sealed class TenantMappingCliTests : IDisposable
{
    private const string Directory = "11111111-1111-1111-1111-111111111111";
    private const string Group = "aaaaaaaa-0000-0000-0000-00000000000a";
    private readonly TempDirectory data = new("vnch-mapping");

    private string TenantsFile => Path.Combine(data.Path, "tenants.json");

    [Fact]
    public async Task A_directory_alone_or_a_group_without_its_directory_is_refused_and_a_group_maps_its_members()
    {
        var alone = await BuiltProgram.RunCliAsync("tenant", "add", "hosp-a", "--name", "A", "--entra-tenant", Directory, "--data-path", data.Path);
        var orphan = await BuiltProgram.RunCliAsync("tenant", "add", "hosp-a", "--name", "A", "--entra-group", Group, "--data-path", data.Path);

        Assert.All(new[] { alone, orphan }, refused =>
        {
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("a directory alone maps no one", refused.Stderr + refused.Stdout, StringComparison.Ordinal);
        });
        Assert.False(File.Exists(TenantsFile) && File.ReadAllText(TenantsFile).Contains("hosp-a", StringComparison.Ordinal));

        var added = await BuiltProgram.RunCliAsync("tenant", "add", "hosp-a", "--name", "A", "--entra-tenant", Directory,
            "--entra-group", Group, "--entra-app-role", "Hospital.hosp-a", "--data-path", data.Path);

        Assert.True(added.ExitCode == 0, added.Stderr);
        var tenants = File.ReadAllText(TenantsFile);
        Assert.Contains($"{Directory}/{Group}", tenants, StringComparison.Ordinal);
        Assert.Contains($"{Directory}/Hospital.hosp-a", tenants, StringComparison.Ordinal);
        Assert.DoesNotContain("EntraTenant", tenants, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => data.Dispose();
}
