using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>
/// `vnch login --auth dev` and named profiles, with the CLI as a process against the embedded server and its own
/// XDG config directory: the token is stored owner-only, other commands pick the profile up, flags and variables win.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliLoginTests(EmbeddedService service) : IClassFixture<EmbeddedService>, IDisposable
{
    private readonly TempDirectory home = new("vnch-cli-home");

    private string ConfigDirectory => Path.Combine(home.Path, "config", "vnch");

    private Dictionary<string, string?> Environment(string? server = null, string? token = null, string? profile = null) => new()
    {
        ["XDG_CONFIG_HOME"] = Path.Combine(home.Path, "config"),
        ["HOME"] = home.Path,
        ["VNCH_SERVER"] = server,
        ["VNCH_TOKEN"] = token,
        ["VNCH_PROFILE"] = profile,
    };

    private Task<(int ExitCode, string Stdout, string Stderr)> Vnch(Dictionary<string, string?> environment, params string[] args) =>
        BuiltProgram.RunCliAsync(environment, args);

    private Task<(int ExitCode, string Stdout, string Stderr)> Login(string profile, string dataPath, string roles = "Studies.Read,Studies.Upload") =>
        Vnch(Environment(), "login", "--profile", profile, "--server", service.Server.BaseAddress.ToString(), "--auth", "dev",
            "--tenant", EmbeddedService.TenantA, "--roles", roles, "--data-path", dataPath);

    [Fact]
    public async Task Dev_login_stores_an_owner_only_token_that_later_commands_use_and_flags_and_variables_override()
    {
        var login = await Login("local", service.DataPath);
        Assert.True(login.ExitCode == 0, login.Stderr + login.Stdout);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(ConfigDirectory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ConfigDirectory, "config.json")));
        var tokenFile = Path.Combine(ConfigDirectory, "tokens", "local.dev-token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        Assert.DoesNotContain(File.ReadAllText(tokenFile).Trim(), File.ReadAllText(Path.Combine(ConfigDirectory, "config.json")), StringComparison.Ordinal);

        // No --server, no --token: the default profile (the first one) gives both.
        var listed = await Vnch(Environment(), "studies", "--json");
        Assert.True(listed.ExitCode == 0, listed.Stderr);
        Assert.True(CliProcess.Parse(listed.Stdout, listed.Stderr).TryGetProperty("items", out _));

        // VNCH_TOKEN beats the profile's token; --token beats VNCH_TOKEN.
        var variable = await Vnch(Environment(token: "not-a-token"), "studies", "--json");
        Assert.Equal(1, variable.ExitCode);
        Assert.Contains("401", variable.Stderr, StringComparison.Ordinal);
        var flag = await Vnch(Environment(token: "not-a-token"), "studies", "--json", "--token", service.TokenA);
        Assert.True(flag.ExitCode == 0, flag.Stderr);

        // A token file others can read is refused, not used.
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var exposed = await Vnch(Environment(), "studies");
        Assert.Equal(1, exposed.ExitCode);
        Assert.Contains("Refusing to read", exposed.Stderr, StringComparison.Ordinal);
        File.SetUnixFileMode(tokenFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // The profile's roles are the token's: an upload with a read-only profile is refused by the server.
        var readOnly = await Login("reader", service.DataPath, roles: "Studies.Read");
        Assert.True(readOnly.ExitCode == 0, readOnly.Stderr);
        var upload = await Vnch(Environment(profile: "reader"), "upload", Path.Combine(TestData.RepositoryRoot, "docs", "audiogram.example.json"), "--json",
            "--journal", Path.Combine(home.Path, "journal.jsonl"));
        Assert.Equal(1, upload.ExitCode);
        Assert.Contains("403", upload.Stderr, StringComparison.Ordinal);

        // Logout forgets the token; the profile stays and says how to sign in again.
        var logout = await Vnch(Environment(), "logout", "--profile", "local");
        Assert.Equal(0, logout.ExitCode);
        Assert.False(File.Exists(tokenFile));
        var after = await Vnch(Environment(), "studies");
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("vnch login --profile local", after.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dev_login_with_another_data_folders_key_is_refused_by_the_server_and_saves_nothing()
    {
        using var otherData = new TempDirectory("vnch-cli-other-data");
        var added = await BuiltProgram.RunCliAsync("tenant", "add", EmbeddedService.TenantA, "--name", "A", "--data-path", otherData.Path);
        Assert.Equal(0, added.ExitCode);

        var login = await Login("wrong-key", otherData.Path);

        Assert.Equal(1, login.ExitCode);
        Assert.Contains("does not accept tokens", login.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ConfigDirectory, "config.json")));
    }

    [Fact]
    public async Task An_unknown_profile_is_an_error_naming_the_config_file()
    {
        var result = await Vnch(Environment(), "studies", "--profile", "nowhere");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("No profile named 'nowhere'", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => home.Dispose();
}
