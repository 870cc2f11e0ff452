using System.Text.Json.Serialization;

namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>How a profile gets its bearer tokens.</summary>
public static class AuthMethods
{
    /// <summary>Development tokens of the embedded server, signed with its data folder's key.</summary>
    public const string Dev = "dev";

    /// <summary>Entra ID device-code flow: a person signs in on another device's browser.</summary>
    public const string DeviceCode = "device-code";

    /// <summary>Entra ID client credentials with a client secret (daemons).</summary>
    public const string ClientSecret = "client-secret";

    /// <summary>Entra ID client credentials with a certificate (daemons).</summary>
    public const string ClientCertificate = "client-certificate";

    public static readonly IReadOnlyList<string> All = [Dev, DeviceCode, ClientSecret, ClientCertificate];

    public static bool IsEntra(string method) => method is DeviceCode or ClientSecret or ClientCertificate;
}

/// <summary>
/// A named profile: the service's URL and how to authenticate to it. It holds no secret: tokens, the Entra token
/// cache and a daemon's client secret live in owner-only files beside the config (<see cref="ProfileStore"/>).
/// </summary>
public sealed record CliProfile
{
    public required string Server { get; init; }

    public required string Auth { get; init; }

    // Development tokens (auth "dev").
    public string? Tenant { get; init; }

    public string? Roles { get; init; }

    public string? User { get; init; }

    public string? DataPath { get; init; }

    // Entra ID (device-code, client-secret, client-certificate).
    public string? EntraTenant { get; init; }

    public string? ClientId { get; init; }

    public string? Scope { get; init; }

    public string? AuthorityHost { get; init; }

    public string? CertificatePath { get; init; }
}

/// <summary>The config file: every profile by name and the one used when none is named.</summary>
public sealed record ProfilesConfig
{
    public string? DefaultProfile { get; init; }

    [JsonPropertyName("profiles")]
    public Dictionary<string, CliProfile> Profiles { get; init; } = new(StringComparer.Ordinal);
}
