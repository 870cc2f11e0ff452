using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VNCH.Network.Api.Authentication;

/// <summary>
/// A bearer token handler that remembers the tokens it has fully validated, keyed by the SHA-256 of the token text,
/// until the token expires or <see cref="MaxAge"/> has passed, whichever comes first (ADR 0118). A remembered token
/// skips the signature check and the claim checks it already passed; every other token — a different signature, an
/// <c>alg: none</c> or HMAC forgery of the same claims, another issuer or audience — is different text, so it has another
/// key and is validated in full. Only valid tokens are remembered; a failed validation is never cached.
/// Each hit builds its own claims identity from the token, so nothing a request adds to its principal reaches another.
/// </summary>
public sealed class CachingJsonWebTokenHandler : JsonWebTokenHandler
{
    /// <summary>How long a validated token is trusted without a new check: bounds how late a withdrawn signing key is noticed.</summary>
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromMinutes(5);

    /// <summary>Remembered tokens at most; past it the expired ones go, and if none has expired the whole cache is emptied.</summary>
    public const int DefaultCapacity = 10_000;

    private readonly ConcurrentDictionary<string, Entry> validated = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly int capacity;

    public CachingJsonWebTokenHandler(TimeProvider time, TimeSpan? maxAge = null, int capacity = DefaultCapacity)
    {
        this.time = time;
        this.capacity = capacity;
        MaxAge = maxAge ?? DefaultMaxAge;
        MapInboundClaims = false;
    }

    public TimeSpan MaxAge { get; }

    /// <summary>Tokens remembered now (for tests and diagnostics).</summary>
    public int Count => validated.Count;

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        ArgumentNullException.ThrowIfNull(validationParameters);
        var now = time.GetUtcNow();
        var key = KeyOf(token);
        if (validated.TryGetValue(key, out var entry))
        {
            if (now < entry.TrustedUntil)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    SecurityToken = entry.Token,
                    ClaimsIdentity = CreateClaimsIdentity(entry.Token, validationParameters, entry.Issuer),
                    Issuer = entry.Issuer,
                    TokenType = entry.TokenType,
                };
            }

            validated.TryRemove(KeyValuePair.Create(key, entry));
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.ValidTo != DateTime.MinValue)
        {
            // Never trusted past its own expiry (clock skew is not extended to the remembered copy).
            var until = new DateTimeOffset(DateTime.SpecifyKind(jwt.ValidTo, DateTimeKind.Utc));
            if (now + MaxAge < until)
            {
                until = now + MaxAge;
            }

            if (now < until)
            {
                MakeRoom(now);
                validated[key] = new Entry(jwt, result.Issuer, result.TokenType, until);
            }
        }

        return result;
    }

    private void MakeRoom(DateTimeOffset now)
    {
        if (validated.Count < capacity)
        {
            return;
        }

        foreach (var (key, entry) in validated)
        {
            if (entry.TrustedUntil <= now)
            {
                validated.TryRemove(KeyValuePair.Create(key, entry));
            }
        }

        if (validated.Count >= capacity)
        {
            validated.Clear();
        }
    }

    private static string KeyOf(string token) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private sealed record Entry(JsonWebToken Token, string Issuer, string TokenType, DateTimeOffset TrustedUntil);
}

public static class CachingJsonWebTokenHandlerExtensions
{
    /// <summary>Validates this scheme's tokens through one <see cref="CachingJsonWebTokenHandler"/> (ADR 0118).</summary>
    public static Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions UseValidatedTokenCache(
        this Microsoft.AspNetCore.Authentication.JwtBearer.JwtBearerOptions options, TimeProvider time)
    {
        options.MapInboundClaims = false;
        options.TokenHandlers.Clear();
        options.TokenHandlers.Add(new CachingJsonWebTokenHandler(time));
        return options;
    }
}
