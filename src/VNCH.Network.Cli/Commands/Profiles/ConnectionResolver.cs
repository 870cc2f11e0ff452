namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>Where a command sends its requests and how it authenticates, with where each came from (for messages).</summary>
public sealed record Connection(string ServerUrl, IAccessTokenSource? Token, string ServerSource, string? ProfileName);

/// <summary>
/// The one precedence rule for server and token, each on its own: the --server/--token flags, then the
/// VNCH_SERVER/VNCH_TOKEN variables, then the profile named by --profile (else VNCH_PROFILE, else the default
/// profile). So a CI job's variables override a developer's profile, and a flag overrides both.
/// </summary>
public static class ConnectionResolver
{
    public const string ServerVariable = "VNCH_SERVER";
    public const string TokenVariable = "VNCH_TOKEN";
    public const string ProfileVariable = "VNCH_PROFILE";

    public static Connection Resolve(
        string? serverFlag, string? tokenFlag, string? profileFlag, Func<string, string?> environment, Func<ProfileStore> store,
        Func<ProfileStore, string, CliProfile, IAccessTokenSource>? profileToken = null)
    {
        var server = NonEmpty(serverFlag) ?? NonEmpty(environment(ServerVariable));
        var token = NonEmpty(tokenFlag) ?? NonEmpty(environment(TokenVariable));
        var serverSource = serverFlag is { Length: > 0 } ? "--server" : server is not null ? ServerVariable : "";
        var profileName = NonEmpty(profileFlag) ?? NonEmpty(environment(ProfileVariable));
        if (server is not null && token is not null && profileName is null)
        {
            // Flags and variables say everything: the profiles file is not even read.
            return new Connection(server.TrimEnd('/'), new StaticTokenSource(token), serverSource, null);
        }

        var profiles = store();
        var config = profiles.Load();
        profileName ??= config.DefaultProfile;
        CliProfile? profile = null;
        if (profileName is not null && !config.Profiles.TryGetValue(profileName, out profile))
        {
            throw new ProfileException($"No profile named '{profileName}' in {profiles.ConfigFile}; `vnch profile list` shows them, `vnch login --profile {profileName}` creates it.");
        }

        if (server is null && profile is not null)
        {
            (server, serverSource) = (profile.Server, $"profile '{profileName}'");
        }

        IAccessTokenSource? source = token is not null ? new StaticTokenSource(token)
            : profile is not null ? (profileToken ?? ProfileToken)(profiles, profileName!, profile)
            : null;
        return new Connection((server ?? "").TrimEnd('/'), source, serverSource, profile is null ? null : profileName);
    }

    /// <summary>The token source a profile's auth method gives; nothing is read or requested until the first request.</summary>
    public static IAccessTokenSource ProfileToken(ProfileStore store, string name, CliProfile profile) => profile.Auth switch
    {
        AuthMethods.Dev => new StoredDevTokenSource(store, name),
        _ when AuthMethods.IsEntra(profile.Auth) => new LazyTokenSource(() => new CredentialTokenSource(
            EntraCredentials.Create(store, name, profile, interactive: false), profile.Scope ?? "", name)),
        _ => throw new ProfileException($"Profile '{name}' has an unknown auth method '{profile.Auth}' ({string.Join(", ", AuthMethods.All)})."),
    };

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>Builds the real source at the first request, so a command that fails validation reads no secret.</summary>
    private sealed class LazyTokenSource(Func<IAccessTokenSource> create) : IAccessTokenSource
    {
        private readonly Lazy<IAccessTokenSource> source = new(create);

        public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => source.Value.GetTokenAsync(cancellationToken);
    }
}
