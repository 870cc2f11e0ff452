using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VNCH.Network.Api.Authentication;

namespace VNCH.Network.Api.Tests.Authentication;

/// <summary>
/// The validated-token cache (ADR 0118) must never accept what a full validation refuses: every test first makes the
/// cache hold a valid token, then offers the refused variant.
/// </summary>
public sealed class CachingJsonWebTokenHandlerTests
{
    private const string Issuer = "vnch-embedded";
    private const string Audience = "api://vnch-network";
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider time = new(DateTimeOffset.UtcNow);
    private readonly ECDsaSecurityKey key = NewKey();
    private readonly CachingJsonWebTokenHandler handler;
    private int fullValidations;

    public CachingJsonWebTokenHandlerTests()
    {
        handler = new CachingJsonWebTokenHandler(time);
    }

    [Fact]
    public async Task A_valid_token_is_validated_once_and_then_served_from_the_cache_with_its_claims()
    {
        var token = Mint(key, TimeSpan.FromHours(1));

        var first = await handler.ValidateTokenAsync(token, Parameters());
        Assert.True(first.IsValid, first.Exception?.Message);
        Assert.Equal(1, handler.Count);
        var second = await handler.ValidateTokenAsync(token, Parameters());

        Assert.True(second.IsValid);
        Assert.Equal(1, fullValidations);
        Assert.Equal("hosp-a", second.ClaimsIdentity.FindFirst("vnch_tenant")!.Value);
        Assert.Equal(["Studies.Read"], second.ClaimsIdentity.FindAll("roles").Select(c => c.Value));
        Assert.Equal("sub", second.ClaimsIdentity.NameClaimType);
        Assert.Equal(Issuer, second.Issuer);
        // Each request gets a principal of its own: a claim added to one never shows in the next.
        second.ClaimsIdentity.AddClaim(new System.Security.Claims.Claim("roles", "Tenants.Admin"));
        var third = await handler.ValidateTokenAsync(token, Parameters());
        Assert.DoesNotContain(third.ClaimsIdentity.FindAll("roles"), c => c.Value == "Tenants.Admin");
    }

    [Fact]
    public async Task A_cached_token_is_refused_once_it_expires()
    {
        var token = Mint(key, TimeSpan.FromMinutes(3));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        time.Advance(TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(31)); // past expiry and the 30 s clock skew
        var late = await handler.ValidateTokenAsync(token, Parameters());

        Assert.False(late.IsValid);
        Assert.IsType<SecurityTokenInvalidLifetimeException>(late.Exception);
        Assert.Equal(2, fullValidations);
        Assert.Equal(0, handler.Count);
    }

    [Fact]
    public async Task A_cached_token_is_checked_again_after_the_maximum_age_so_a_withdrawn_key_is_noticed()
    {
        var token = Mint(key, TimeSpan.FromHours(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);

        time.Advance(CachingJsonWebTokenHandler.DefaultMaxAge);
        var afterRotation = await handler.ValidateTokenAsync(token, Parameters(NewKey()));

        Assert.False(afterRotation.IsValid);
        Assert.IsType<SecurityTokenSignatureKeyNotFoundException>(afterRotation.Exception);
    }

    [Fact]
    public async Task Forged_variants_of_a_cached_token_are_refused()
    {
        var token = Mint(key, TimeSpan.FromHours(1));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]);
        var elevated = Base64UrlEncoder.Encode(payload.Replace("\"Studies.Read\"", "\"Tenants.Admin\"", StringComparison.Ordinal));
        var algNone = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var publicKeyAsSecret = Encoding.UTF8.GetBytes(key.ECDsa.ExportSubjectPublicKeyInfoPem());
        var hs256 = Base64UrlEncoder.Encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");

        string[] forgeries =
        [
            $"{parts[0]}.{parts[1]}.",                                // signature stripped
            $"{algNone}.{parts[1]}.",                                 // alg none with the cached token's claims
            $"{algNone}.{parts[1]}.{parts[2]}",                       // alg none keeping the signature
            $"{parts[0]}.{elevated}.{parts[2]}",                      // claims changed under the cached signature
            $"{hs256}.{parts[1]}.{Base64UrlEncoder.Encode(HMACSHA256.HashData(publicKeyAsSecret, Encoding.ASCII.GetBytes($"{hs256}.{parts[1]}")))}",
            Mint(NewKey(), TimeSpan.FromHours(1)),                    // same claims, another key
            Mint(key, TimeSpan.FromHours(1), audience: "api://someone-else"),
            Mint(key, TimeSpan.FromHours(1), issuer: "https://login.example.org/"),
            Mint(key, TimeSpan.FromMinutes(-10)),                     // expired
        ];
        foreach (var forged in forgeries)
        {
            var result = await handler.ValidateTokenAsync(forged, Parameters());
            Assert.False(result.IsValid, forged);
        }

        Assert.Equal(1, handler.Count); // refusals are never remembered
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task The_cache_stays_within_its_capacity()
    {
        var small = new CachingJsonWebTokenHandler(time, capacity: 3);
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await small.ValidateTokenAsync(Mint(key, TimeSpan.FromHours(1)), Parameters())).IsValid);
            Assert.InRange(small.Count, 1, 3);
        }
    }

    private TokenValidationParameters Parameters(SecurityKey? signingKey = null) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = Audience,
        IssuerSigningKey = signingKey ?? key,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = Skew,
        RequireExpirationTime = true,
        NameClaimType = "sub",
        RoleClaimType = "roles",
        // The library reads the system clock; this lifetime check reads the test's clock and counts full validations.
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            fullValidations++;
            var now = time.GetUtcNow().UtcDateTime;
            return expires is { } end && now < end + Skew && (notBefore is not { } start || start - Skew <= now);
        },
    };

    private string Mint(SecurityKey signingKey, TimeSpan lifetime, string issuer = Issuer, string audience = Audience)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var expires = now.Add(lifetime);
        var notBefore = new[] { now.AddMinutes(-1), expires.AddMinutes(-1) }.Min();
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "dev:hosp-a:lan",
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["vnch_tenant"] = "hosp-a",
                ["roles"] = new[] { "Studies.Read" },
            },
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static ECDsaSecurityKey NewKey() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = Guid.NewGuid().ToString("N") };
}
