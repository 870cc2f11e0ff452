using VNCH.Network.Cli.Commands.Profiles;
using VNCH.Network.Testing;

namespace VNCH.Network.Cli.Tests.Profiles;

/// <summary>The precedence of server and token: flags, then VNCH_SERVER/VNCH_TOKEN, then --profile / VNCH_PROFILE / the default profile.</summary>
public sealed class ConnectionResolverTests : IDisposable
{
    private readonly TempDirectory home = new("vnch-resolver");
    private readonly Dictionary<string, string?> environment = [];

    public ConnectionResolverTests()
    {
        Store.Save(new ProfilesConfig
        {
            DefaultProfile = "local",
            Profiles =
            {
                ["local"] = new CliProfile { Server = "http://127.0.0.1:5080", Auth = AuthMethods.Dev, Tenant = "hosp-a", Roles = "Studies.Read" },
                ["prod"] = new CliProfile { Server = "https://vnch.example.vn", Auth = AuthMethods.Dev, Tenant = "hosp-b", Roles = "Studies.Read" },
            },
        });
        Store.WritePrivate(Store.SecretFile("local", StoredDevTokenSource.FileKind), "token-of-local"u8);
        Store.WritePrivate(Store.SecretFile("prod", StoredDevTokenSource.FileKind), "token-of-prod"u8);
    }

    private ProfileStore Store => new(Path.Combine(home.Path, "vnch"));

    private Connection Resolve(string? server = null, string? token = null, string? profile = null) =>
        ConnectionResolver.Resolve(server, token, profile, name => environment.GetValueOrDefault(name), () => Store,
            (store, name, _) => new NamedSource(store.SecretFile(name, StoredDevTokenSource.FileKind)));

    private static async Task<string> TokenOf(Connection connection) => await connection.Token!.GetTokenAsync(CancellationToken.None);

    [Fact]
    public async Task Without_flags_or_variables_the_default_profile_gives_server_and_token()
    {
        var connection = Resolve();

        Assert.Equal("http://127.0.0.1:5080", connection.ServerUrl);
        Assert.Equal("local", connection.ProfileName);
        Assert.EndsWith("local.dev-token", await TokenOf(connection), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_profile_flag_beats_the_profile_variable_which_beats_the_default()
    {
        environment[ConnectionResolver.ProfileVariable] = "prod";
        Assert.Equal("https://vnch.example.vn", Resolve().ServerUrl);
        Assert.EndsWith("prod.dev-token", await TokenOf(Resolve()), StringComparison.Ordinal);

        Assert.Equal("http://127.0.0.1:5080", Resolve(profile: "local").ServerUrl);
    }

    [Fact]
    public async Task Variables_beat_the_profile_each_on_its_own_and_flags_beat_variables()
    {
        environment[ConnectionResolver.ServerVariable] = "http://ci.example:1";
        var serverFromVariable = Resolve(profile: "prod");
        Assert.Equal("http://ci.example:1", serverFromVariable.ServerUrl);
        Assert.EndsWith("prod.dev-token", await TokenOf(serverFromVariable), StringComparison.Ordinal); // token still the profile's

        environment[ConnectionResolver.TokenVariable] = "token-from-variable";
        Assert.Equal("token-from-variable", await TokenOf(Resolve(profile: "prod")));

        var flags = Resolve(server: "http://flag.example:2/", token: "token-from-flag", profile: "prod");
        Assert.Equal("http://flag.example:2", flags.ServerUrl);
        Assert.Equal("--server", flags.ServerSource);
        Assert.Equal("token-from-flag", await TokenOf(flags));
    }

    [Fact]
    public async Task With_server_and_token_given_the_profiles_file_is_not_read()
    {
        environment[ConnectionResolver.ServerVariable] = "http://ci.example:1";
        environment[ConnectionResolver.TokenVariable] = "ci-token";

        var connection = ConnectionResolver.Resolve(null, null, null, name => environment.GetValueOrDefault(name),
            () => throw new InvalidOperationException("the profiles file must not be read"));

        Assert.Null(connection.ProfileName);
        Assert.Equal("ci-token", await TokenOf(connection));
    }

    [Fact]
    public void A_named_profile_that_does_not_exist_is_an_error_not_a_fallback()
    {
        var error = Assert.Throws<ProfileException>(() => Resolve(server: "http://x:1", token: "t", profile: "nowhere"));
        Assert.Contains("nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_any_profile_file_nothing_is_resolved()
    {
        var empty = ConnectionResolver.Resolve(null, null, null, _ => null, () => new ProfileStore(Path.Combine(home.Path, "none")));

        Assert.Equal("", empty.ServerUrl);
        Assert.Null(empty.Token);
    }

    public void Dispose() => home.Dispose();

    /// <summary>Stands for a profile's token source: says which profile's token file it would read.</summary>
    private sealed class NamedSource(string file) : IAccessTokenSource
    {
        public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(file);
    }
}
