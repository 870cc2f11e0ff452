using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Auth;

/// <summary>
/// Local token authority of the embedded host only: an ECDSA P-256 key generated in the data folder on first start
/// (file mode 600), issuer <see cref="Issuer"/>, audience <see cref="Audience"/>. The Azure host never loads it.
/// </summary>
public static class LocalAuth
{
    public const string Issuer = "vnch-embedded";
    public const string Audience = "api://vnch-network";
    public const string TenantClaim = "vnch_tenant";
    public const string KeyFileName = "jwt-signing-key.pem";

    /// <summary>The longest-lived development token that can be minted: a working day and a night shift.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);

    public static ECDsaSecurityKey LoadOrCreateSigningKey(DataFolder folder)
    {
        DataFolder.CreatePrivateFolder(folder.Keys);
        var path = Path.Combine(folder.Keys, KeyFileName);
        var ecdsa = ECDsa.Create();
        if (File.Exists(path))
        {
            ThrowIfReadableByOthers(path);
            ecdsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            ecdsa.GenerateKey(ECCurve.NamedCurves.nistP256);
            var temporary = path + "." + Guid.NewGuid().ToString("N");
            using (var writer = new StreamWriter(temporary, DataFolder.PrivateFile(FileMode.CreateNew, FileAccess.Write)))
            {
                writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
            }

            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Server and CLI started together: keep the key that won.
                File.Delete(temporary);
                ecdsa.ImportFromPem(File.ReadAllText(path));
            }
        }

        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return key;
    }

    /// <summary>A signing key that another local user could read can sign tokens for any hospital: refuse to use it.</summary>
    private static void ThrowIfReadableByOthers(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~DataFolder.PrivateFileMode) != 0)
        {
            throw new InvalidOperationException(
                $"The token signing key {path} is readable by other users (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8)}); " +
                "run 'chmod 600' on it, or delete it to have a new one made (every token signed with it stops working).");
        }
    }

    /// <summary>The audited identity of a development token: the hospital and the person it was minted for.</summary>
    public static string Subject(TenantId tenant, string user) => $"dev:{tenant}:{user}";

    /// <summary>Mints a development token for one hospital, one person (<paramref name="subject"/>, <paramref name="name"/>) and a set of roles.</summary>
    public static string MintToken(
        SecurityKey key, TenantId tenant, IEnumerable<string> roles, TimeSpan lifetime, DateTimeOffset now,
        string issuer = Issuer, string audience = Audience, string? subject = null, string? name = null)
    {
        if (lifetime > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"A development token lives at most {MaxLifetime:g}.");
        }

        var claims = new Dictionary<string, object>
        {
            ["sub"] = subject ?? Subject(tenant, Environment.UserName),
            // The person's name, as Entra's `name` claim: a review's performer shows it (ADR 0090).
            ["name"] = name ?? Environment.UserName,
            ["jti"] = Guid.NewGuid().ToString("N"),
            [TenantClaim] = tenant.Value,
            ["roles"] = roles.ToArray(),
        };
        // A negative lifetime (tests of expired tokens) still needs not-before < expires.
        var expires = now.UtcDateTime.Add(lifetime);
        var notBefore = new[] { now.UtcDateTime.AddMinutes(-1), expires.AddMinutes(-1) }.Min();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public static TokenValidationParameters ValidationParameters(SecurityKey key) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = key,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.FromSeconds(30),
        RequireExpirationTime = true,
        NameClaimType = "sub",
        RoleClaimType = "roles",
    };
}
