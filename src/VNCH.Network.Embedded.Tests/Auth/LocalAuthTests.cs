using Microsoft.IdentityModel.JsonWebTokens;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Auth;
using VNCH.Network.Embedded.Tests.Contracts;

namespace VNCH.Network.Embedded.Tests.Auth;

public sealed class LocalAuthTests : SqliteFixture
{
    [Fact]
    public void The_signing_key_is_created_once_with_owner_only_permissions()
    {
        var first = LocalAuth.LoadOrCreateSigningKey(Folder);
        var second = LocalAuth.LoadOrCreateSigningKey(Folder);
        Assert.Equal(first.KeyId, second.KeyId);
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(Path.Combine(Folder.Keys, LocalAuth.KeyFileName));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }
    }

    [Fact]
    public async Task Minted_tokens_validate_with_the_key_and_carry_tenant_and_roles()
    {
        var key = LocalAuth.LoadOrCreateSigningKey(Folder);
        var token = LocalAuth.MintToken(key, TenantId.Parse("hosp-a"), [Roles.StudiesRead, Roles.StudiesUpload], TimeSpan.FromHours(1), DateTimeOffset.UtcNow);

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, LocalAuth.ValidationParameters(key));
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal("hosp-a", result.ClaimsIdentity.FindFirst(LocalAuth.TenantClaim)!.Value);
        Assert.Equal([Roles.StudiesRead, Roles.StudiesUpload], result.ClaimsIdentity.FindAll("roles").Select(c => c.Value));
    }

    [Fact]
    public async Task Tokens_name_their_person_are_unique_and_live_at_most_a_day()
    {
        var key = LocalAuth.LoadOrCreateSigningKey(Folder);
        var tenant = TenantId.Parse("hosp-a");
        var now = DateTimeOffset.UtcNow;
        var lan = LocalAuth.MintToken(key, tenant, [Roles.StudiesRead], TimeSpan.FromHours(1), now, subject: LocalAuth.Subject(tenant, "lan"));
        var minh = LocalAuth.MintToken(key, tenant, [Roles.StudiesRead], TimeSpan.FromHours(1), now, subject: LocalAuth.Subject(tenant, "minh"));

        var first = await new JsonWebTokenHandler().ValidateTokenAsync(lan, LocalAuth.ValidationParameters(key));
        var second = await new JsonWebTokenHandler().ValidateTokenAsync(minh, LocalAuth.ValidationParameters(key));
        Assert.Equal("dev:hosp-a:lan", first.ClaimsIdentity.FindFirst("sub")!.Value);
        Assert.Equal("dev:hosp-a:minh", second.ClaimsIdentity.FindFirst("sub")!.Value);
        Assert.NotEqual(first.ClaimsIdentity.FindFirst("jti")!.Value, second.ClaimsIdentity.FindFirst("jti")!.Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => LocalAuth.MintToken(key, tenant, [Roles.StudiesRead], TimeSpan.FromHours(25), now));
    }

    [Fact]
    public async Task Tokens_of_another_key_or_expired_ones_are_refused()
    {
        var key = LocalAuth.LoadOrCreateSigningKey(Folder);
        using var other = new VNCH.Network.Testing.TempDirectory();
        var otherKey = LocalAuth.LoadOrCreateSigningKey(new Storage.DataFolder(other.Path));
        var tenant = TenantId.Parse("hosp-a");

        var foreign = LocalAuth.MintToken(otherKey, tenant, [Roles.StudiesRead], TimeSpan.FromHours(1), DateTimeOffset.UtcNow);
        var expired = LocalAuth.MintToken(key, tenant, [Roles.StudiesRead], TimeSpan.FromMinutes(-10), DateTimeOffset.UtcNow);
        Assert.False((await new JsonWebTokenHandler().ValidateTokenAsync(foreign, LocalAuth.ValidationParameters(key))).IsValid);
        Assert.False((await new JsonWebTokenHandler().ValidateTokenAsync(expired, LocalAuth.ValidationParameters(key))).IsValid);
    }
}
