using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace VNCH.Network.Cli.Commands.Remote;

/// <summary>Commands that talk to a running service over its public HTTP API: --server/--token or VNCH_SERVER/VNCH_TOKEN.</summary>
public class ServerSettings : CommandSettings
{
    public const string ServerVariable = "VNCH_SERVER";
    public const string TokenVariable = "VNCH_TOKEN";

    [CommandOption("--server <URL>")]
    [Description("The service's base URL, e.g. http://127.0.0.1:5080 (default: $VNCH_SERVER).")]
    public string? Server { get; init; }

    [CommandOption("--token <TOKEN>")]
    [Description("Bearer token (default: $VNCH_TOKEN); `vnch token` mints one for the embedded service.")]
    public string? Token { get; init; }

    [CommandOption("--json")]
    [Description("Print a machine-readable JSON document on stdout instead of tables.")]
    public bool Json { get; init; }

    public string ServerUrl => (Server ?? Environment.GetEnvironmentVariable(ServerVariable) ?? "").TrimEnd('/');

    public string BearerToken => Token ?? Environment.GetEnvironmentVariable(TokenVariable) ?? "";

    public override ValidationResult Validate() =>
        !Uri.TryCreate(ServerUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            ? ValidationResult.Error($"--server (or {ServerVariable}) must be the service's http(s) URL.")
            : string.IsNullOrWhiteSpace(BearerToken)
                ? ValidationResult.Error($"--token (or {TokenVariable}) is required.")
                : ValidationResult.Success();
}
