using System.ComponentModel;
using System.Net;
using System.Text;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Remote;
using VNCH.Network.Cli.Commands.Tokens;

namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>
/// `vnch login`: creates or refreshes a named profile. Against the embedded service it mints a development token
/// with the data folder's key and checks the server accepts it; against Azure it signs in with Entra ID (device code
/// for people, client secret or certificate for daemons) and keeps the token cache in the profile, owner-only.
/// </summary>
public sealed class LoginCommand : AsyncCommand<LoginCommand.Settings>
{
    public const string ClientSecretVariable = "VNCH_CLIENT_SECRET";
    public const string DefaultProfileName = "default";

    /// <summary>The development-token options are `vnch token`'s own (--tenant, --roles, --user, --lifetime, --data-path).</summary>
    public sealed class Settings : MintTokenCommand.Settings
    {
        [CommandOption("--profile <NAME>")]
        [Description("The profile to create or sign in again (default: $VNCH_PROFILE, else the default profile, else 'default').")]
        public string? Profile { get; init; }

        [CommandOption("--server <URL>")]
        [Description("The service's base URL (default: the profile's, else $VNCH_SERVER).")]
        public string? Server { get; init; }

        [CommandOption("--auth <METHOD>")]
        [Description("dev (embedded service), device-code (a person, Entra ID), client-secret or client-certificate (daemons); default: the profile's.")]
        public string? Auth { get; init; }

        [CommandOption("--default")]
        [Description("Make this the default profile (the first profile is the default anyway).")]
        public bool MakeDefault { get; init; }

        [CommandOption("--entra-tenant <TENANT-ID>")]
        [Description("Entra ID: the directory (tenant) id or domain.")]
        public string? EntraTenant { get; init; }

        [CommandOption("--client-id <APP-ID>")]
        [Description("Entra ID: the application (client) id: the CLI's public client app for device-code, the daemon's app otherwise.")]
        public string? ClientId { get; init; }

        [CommandOption("--scope <SCOPE>")]
        [Description("Entra ID: the API's scope, e.g. api://<api-app-id>/.default.")]
        public string? Scope { get; init; }

        [CommandOption("--authority-host <URL>")]
        [Description("Entra ID: the authority host (default https://login.microsoftonline.com; sovereign clouds differ).")]
        public string? AuthorityHost { get; init; }

        [CommandOption("--certificate <FILE>")]
        [Description("client-certificate: a PEM (certificate and unencrypted key) or PFX file without password.")]
        public string? Certificate { get; init; }

        [CommandOption("--client-secret-stdin")]
        [Description($"client-secret: read the secret from standard input (else ${ClientSecretVariable}); kept in an owner-only file of the profile.")]
        public bool ClientSecretStdin { get; init; }

        public override ValidationResult Validate() =>
            Profile is not null && !ProfileStore.IsValidName(Profile) ? ValidationResult.Error("--profile must be letters, digits, '.', '_' or '-' (at most 64).")
            : Auth is not null && !AuthMethods.All.Contains(Auth) ? ValidationResult.Error($"--auth must be one of {string.Join(", ", AuthMethods.All)}.")
            : ValidationResult.Success(); // the rest is checked once merged with the existing profile
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var store = ProfileStore.Default();
        var config = store.Load();
        var name = settings.Profile ?? Environment.GetEnvironmentVariable(ConnectionResolver.ProfileVariable) ?? config.DefaultProfile ?? DefaultProfileName;
        if (!ProfileStore.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid profile name.");
        }

        var existing = config.Profiles.GetValueOrDefault(name);
        var profile = Merge(settings, existing);
        var signedIn = profile.Auth == AuthMethods.Dev
            ? await DevLoginAsync(store, name, profile, settings, cancellationToken)
            : await EntraLoginAsync(store, name, profile, settings, cancellationToken);
        if (signedIn is null)
        {
            return 1;
        }

        var profiles = new Dictionary<string, CliProfile>(config.Profiles, StringComparer.Ordinal) { [name] = profile };
        store.Save(config with
        {
            Profiles = profiles,
            DefaultProfile = settings.MakeDefault || config.DefaultProfile is null || !profiles.ContainsKey(config.DefaultProfile) ? name : config.DefaultProfile,
        });
        AnsiConsole.MarkupLineInterpolated($"Signed in: profile [bold]{name}[/] → {profile.Server} ({profile.Auth}); {signedIn}");
        AnsiConsole.MarkupLineInterpolated($"[grey]Profiles: {store.ConfigFile}[/]");
        return 0;
    }

    private static CliProfile Merge(Settings s, CliProfile? existing)
    {
        var server = s.Server ?? existing?.Server ?? Environment.GetEnvironmentVariable(ConnectionResolver.ServerVariable);
        if (!Uri.TryCreate(server?.TrimEnd('/'), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("--server must be the service's http(s) URL (a new profile needs it).");
        }

        var auth = s.Auth ?? existing?.Auth
                   ?? throw new ArgumentException($"--auth is required for a new profile: {string.Join(", ", AuthMethods.All)}.");
        var keep = existing is not null && existing.Auth == auth ? existing : null; // switching method starts afresh
        return new CliProfile
        {
            Server = uri.ToString().TrimEnd('/'),
            Auth = auth,
            Tenant = Given(s.Tenant) ?? keep?.Tenant,
            Roles = Given(s.Roles) ?? keep?.Roles,
            User = auth == AuthMethods.Dev ? s.User : null,
            DataPath = s.DataPath is { } dataPath ? Path.GetFullPath(dataPath) : keep?.DataPath,
            EntraTenant = s.EntraTenant ?? keep?.EntraTenant,
            ClientId = s.ClientId ?? keep?.ClientId,
            Scope = s.Scope ?? keep?.Scope,
            AuthorityHost = s.AuthorityHost ?? keep?.AuthorityHost,
            CertificatePath = s.Certificate is { } certificate ? Path.GetFullPath(certificate) : keep?.CertificatePath,
        };
    }

    /// <summary>Mints a development token as `vnch token` does, checks the server accepts it, stores it owner-only.</summary>
    private static async Task<string?> DevLoginAsync(ProfileStore store, string name, CliProfile profile, Settings s, CancellationToken cancellationToken)
    {
        var mint = new MintTokenCommand.Settings
        {
            DataPath = profile.DataPath, Tenant = profile.Tenant ?? "", Roles = profile.Roles ?? "", Lifetime = s.Lifetime, User = profile.User ?? s.User,
        };
        if (mint.Validate() is { Successful: false } invalid)
        {
            throw new ArgumentException(invalid.Message);
        }

        var (token, error) = await MintTokenCommand.MintAsync(mint, cancellationToken);
        if (token is null)
        {
            await Console.Error.WriteLineAsync($"error: {error}");
            return null;
        }

        // Any valid token may read the OpenAPI document: a 401 means the server uses another data folder's key.
        using var http = new VnchHttp(profile.Server, new StaticTokenSource(token), RetryOptions.Default with { Retries = 2 });
        using var answer = await http.GetAsync("api/openapi/v1.json", cancellationToken);
        if (answer.StatusCode == HttpStatusCode.Unauthorized)
        {
            await Console.Error.WriteLineAsync(
                $"error: {profile.Server} does not accept tokens signed with the key of {mint.Folder().Root}; give the server's data folder with --data-path.");
            return null;
        }

        if (!answer.IsSuccessStatusCode && answer.StatusCode != HttpStatusCode.NotFound)
        {
            await Console.Error.WriteLineAsync($"error: {profile.Server} answered {await ApiException.DescribeAsync(answer, cancellationToken)}");
            return null;
        }

        store.WritePrivate(store.SecretFile(name, StoredDevTokenSource.FileKind), Encoding.UTF8.GetBytes(token));
        return $"development token for {profile.Tenant} ({profile.Roles}), valid {s.Lifetime:g}";
    }

    private static async Task<string?> EntraLoginAsync(ProfileStore store, string name, CliProfile profile, Settings s, CancellationToken cancellationToken)
    {
        foreach (var (value, option) in new[] { (profile.EntraTenant, "--entra-tenant"), (profile.ClientId, "--client-id"), (profile.Scope, "--scope") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{option} is required for --auth {profile.Auth}.");
            }
        }

        var secretFile = store.SecretFile(name, EntraCredentials.ClientSecretKind);
        var newSecret = profile.Auth != AuthMethods.ClientSecret ? null
            : s.ClientSecretStdin ? (await Console.In.ReadToEndAsync(cancellationToken)).Trim()
            : Environment.GetEnvironmentVariable(ClientSecretVariable);
        if (profile.Auth == AuthMethods.ClientSecret && string.IsNullOrEmpty(newSecret) && store.ReadPrivate(secretFile) is null)
        {
            throw new ArgumentException($"--auth client-secret needs the secret: --client-secret-stdin or ${ClientSecretVariable}.");
        }

        if (profile.Auth == AuthMethods.ClientCertificate && !File.Exists(profile.CertificatePath))
        {
            throw new ArgumentException("--auth client-certificate needs --certificate <FILE> (PEM or PFX).");
        }

        var previousSecret = store.ReadPrivate(secretFile);
        if (!string.IsNullOrEmpty(newSecret))
        {
            store.WritePrivate(secretFile, Encoding.UTF8.GetBytes(newSecret));
        }

        try
        {
            var credential = EntraCredentials.Create(store, name, profile, interactive: true);
            var token = await EntraCredentials.SignInAsync(store, name, profile, credential, cancellationToken);
            return $"Entra ID token for {profile.Scope} until {token.ExpiresOn:u}";
        }
        catch (Exception ex) when (ex is Azure.Identity.AuthenticationFailedException or Azure.RequestFailedException)
        {
            if (!string.IsNullOrEmpty(newSecret))
            {
                // A secret that did not work is not kept (the one before it, if any, is put back).
                if (previousSecret is null)
                {
                    File.Delete(secretFile);
                }
                else
                {
                    store.WritePrivate(secretFile, previousSecret);
                }
            }

            await Console.Error.WriteLineAsync($"error: Entra ID sign-in failed: {ex.Message}");
            return null;
        }
    }

    private static string? Given(string value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
