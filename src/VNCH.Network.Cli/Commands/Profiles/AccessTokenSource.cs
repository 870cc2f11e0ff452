using System.Text;
using Azure.Core;
using Azure.Identity;
using Microsoft.IdentityModel.JsonWebTokens;

namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>Where a request's bearer token comes from; asked before every request so long runs outlive one token.</summary>
public interface IAccessTokenSource
{
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>A token given as is (--token, VNCH_TOKEN).</summary>
public sealed class StaticTokenSource(string token) : IAccessTokenSource
{
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(token);
}

/// <summary>A development token that `vnch login` stored in the profile (owner-only file), read when first needed.</summary>
public sealed class StoredDevTokenSource(ProfileStore store, string profile, TimeProvider? clock = null) : IAccessTokenSource
{
    public const string FileKind = "dev-token";

    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var bytes = store.ReadPrivate(store.SecretFile(profile, FileKind))
                    ?? throw new ProfileException($"Profile '{profile}' has no token; run `vnch login --profile {profile}`.");
        var token = Encoding.UTF8.GetString(bytes).Trim();
        var expires = new JsonWebToken(token).ValidTo;
        return expires <= (clock ?? TimeProvider.System).GetUtcNow().UtcDateTime
            ? throw new ProfileException($"Profile '{profile}': the development token expired at {expires:u}; run `vnch login --profile {profile}` again.")
            : ValueTask.FromResult(token);
    }
}

/// <summary>
/// An Entra ID credential (device code, client secret or certificate) for one scope; the token is kept in memory
/// until five minutes before it expires, and the credential's own persistent cache lives in the profile.
/// </summary>
public sealed class CredentialTokenSource(TokenCredential credential, string scope, string profile) : IAccessTokenSource
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim gate = new(1, 1);
    private AccessToken? current;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (current is { } token && token.ExpiresOn - RenewBefore > DateTimeOffset.UtcNow)
        {
            return token.Token;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (current is not { } fresh || fresh.ExpiresOn - RenewBefore <= DateTimeOffset.UtcNow)
            {
                current = fresh = await credential.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken);
            }

            return fresh.Token;
        }
        catch (AuthenticationRequiredException ex)
        {
            throw new ProfileException($"Profile '{profile}': sign-in required; run `vnch login --profile {profile}`.", ex);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new ProfileException($"Profile '{profile}': Entra ID refused the credentials: {ex.Message}", ex);
        }
        finally
        {
            gate.Release();
        }
    }
}
