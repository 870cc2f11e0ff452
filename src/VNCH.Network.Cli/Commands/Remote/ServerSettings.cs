using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;
using VNCH.Network.Cli.Commands.Profiles;

namespace VNCH.Network.Cli.Commands.Remote;

/// <summary>
/// Commands that talk to a running service over its public HTTP API: --server/--token, else VNCH_SERVER/VNCH_TOKEN,
/// else a profile made by `vnch login` (<see cref="ConnectionResolver"/>).
/// </summary>
public class ServerSettings : CommandSettings
{
    public const string ServerVariable = ConnectionResolver.ServerVariable;
    public const string TokenVariable = ConnectionResolver.TokenVariable;
    private Connection? connection;

    [CommandOption("--server <URL>")]
    [Description("The service's base URL, e.g. http://127.0.0.1:5080 (default: $VNCH_SERVER).")]
    public string? Server { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("Bearer token (default: $VNCH_TOKEN); `vnch token` mints one for the embedded service.")]
    public string? Token { get; init; }

    [CommandOption("--profile <NAME>")]
    [Description("The `vnch login` profile to use (default: $VNCH_PROFILE, else the default profile); --server/--token and VNCH_SERVER/VNCH_TOKEN take precedence.")]
    public string? Profile { get; init; }

    [CommandOption("--json")]
    [Description("Print a machine-readable JSON document on stdout instead of tables.")]
    public bool Json { get; init; }

    public Connection Connection => connection ??= ConnectionResolver.Resolve(Server, Token, Profile, Environment.GetEnvironmentVariable, ProfileStore.Default);

    public string ServerUrl => Connection.ServerUrl;

    public override ValidationResult Validate()
    {
        try
        {
            return !Uri.TryCreate(ServerUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                ? ValidationResult.Error($"--server (or {ServerVariable}, or a profile: `vnch login`) must be the service's http(s) URL.")
                : Connection.Token is null
                    ? ValidationResult.Error($"--token (or {TokenVariable}, or a profile: `vnch login`) is required.")
                    : ValidationResult.Success();
        }
        catch (ProfileException ex)
        {
            return ValidationResult.Error(ex.Message);
        }
    }
}
