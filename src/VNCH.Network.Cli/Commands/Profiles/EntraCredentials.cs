using System.Text;
using Azure.Core;
using Azure.Identity;

namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>
/// The Azure.Identity credential of an Entra profile: <see cref="DeviceCodeCredential"/> for people,
/// <see cref="ClientSecretCredential"/> or <see cref="ClientCertificateCredential"/> for daemons, each with a
/// persistent token cache kept in the profile's owner-only files (<see cref="ProfileTokenCache"/>).
/// </summary>
public static class EntraCredentials
{
    public const string AuthenticationRecordKind = "auth-record";
    public const string ClientSecretKind = "client-secret";

    /// <param name="interactive">For `vnch login`: the device-code flow may prompt. Other commands only use the cache.</param>
    /// <param name="deviceCodePrompt">Shows the device-code message (where to go and which code to type).</param>
    /// <param name="configure">Test seam: the HTTP transport and retry options of the credential.</param>
    public static TokenCredential Create(
        ProfileStore store, string name, CliProfile profile, bool interactive,
        Func<DeviceCodeInfo, CancellationToken, Task>? deviceCodePrompt = null, Action<TokenCredentialOptions>? configure = null)
    {
        var tenant = profile.EntraTenant ?? throw new ProfileException($"Profile '{name}' has no Entra tenant (--entra-tenant).");
        var clientId = profile.ClientId ?? throw new ProfileException($"Profile '{name}' has no client id (--client-id).");
        var cache = new ProfileTokenCache(store, name);
        T Configure<T>(T options)
            where T : TokenCredentialOptions
        {
            if (profile.AuthorityHost is { } host)
            {
                options.AuthorityHost = new Uri(host);
            }

            configure?.Invoke(options);
            return options;
        }

        switch (profile.Auth)
        {
            case AuthMethods.DeviceCode:
                var recordBytes = interactive ? null : store.ReadPrivate(store.SecretFile(name, AuthenticationRecordKind));
                if (!interactive && recordBytes is null)
                {
                    throw new ProfileException($"Profile '{name}': not signed in; run `vnch login --profile {name}`.");
                }

                return new DeviceCodeCredential(Configure(new DeviceCodeCredentialOptions
                {
                    TenantId = tenant,
                    ClientId = clientId,
                    TokenCachePersistenceOptions = cache,
                    AuthenticationRecord = recordBytes is null ? null : AuthenticationRecord.Deserialize(new MemoryStream(recordBytes)),
                    DisableAutomaticAuthentication = !interactive, // a script must fail, not wait for a person
                    DeviceCodeCallback = deviceCodePrompt ?? ((info, _) => Console.Error.WriteLineAsync(info.Message)),
                }));
            case AuthMethods.ClientSecret:
                var secret = store.ReadPrivate(store.SecretFile(name, ClientSecretKind))
                             ?? throw new ProfileException($"Profile '{name}' has no client secret; run `vnch login --profile {name} --client-secret-stdin`.");
                return new ClientSecretCredential(tenant, clientId, Encoding.UTF8.GetString(secret).Trim(),
                    Configure(new ClientSecretCredentialOptions { TokenCachePersistenceOptions = cache }));
            case AuthMethods.ClientCertificate:
                var certificate = profile.CertificatePath ?? throw new ProfileException($"Profile '{name}' has no certificate (--certificate).");
                return new ClientCertificateCredential(tenant, clientId, certificate,
                    Configure(new ClientCertificateCredentialOptions { TokenCachePersistenceOptions = cache }));
            default:
                throw new ProfileException($"Profile '{name}' uses '{profile.Auth}', which is not an Entra ID method.");
        }
    }

    /// <summary>Signs in (device code prompts a person; client credentials just get a token) and keeps what later runs need.</summary>
    public static async Task<AccessToken> SignInAsync(ProfileStore store, string name, CliProfile profile, TokenCredential credential, CancellationToken cancellationToken)
    {
        var context = new TokenRequestContext([profile.Scope ?? throw new ProfileException($"Profile '{name}' has no scope (--scope).")]);
        if (credential is DeviceCodeCredential deviceCode)
        {
            var record = await deviceCode.AuthenticateAsync(context, cancellationToken);
            using var buffer = new MemoryStream();
            await record.SerializeAsync(buffer, cancellationToken);
            store.WritePrivate(store.SecretFile(name, AuthenticationRecordKind), buffer.ToArray());
        }

        return await credential.GetTokenAsync(context, cancellationToken);
    }
}

/// <summary>
/// MSAL's token cache for one profile, in owner-only files beside the config (two caches: with and without
/// continuous access evaluation). Azure.Identity's default persistent cache would go to the OS keyring or to
/// ~/.IdentityService; keeping it in the profile makes `vnch logout` and the permission check cover it.
/// </summary>
public sealed class ProfileTokenCache(ProfileStore store, string profile) : UnsafeTokenCacheOptions
{
    public const string Kind = "msal-cache";

    private string File(bool cae) => store.SecretFile(profile, cae ? Kind + "-cae" : Kind);

    protected override Task<ReadOnlyMemory<byte>> RefreshCacheAsync() => Task.FromResult<ReadOnlyMemory<byte>>(store.ReadPrivate(File(false)) ?? []);

    protected override Task<TokenCacheData> RefreshCacheAsync(TokenCacheRefreshArgs args, CancellationToken cancellationToken = default) =>
        Task.FromResult(new TokenCacheData(store.ReadPrivate(File(args.IsCaeEnabled)) ?? []));

    protected override Task TokenCacheUpdatedAsync(TokenCacheUpdatedArgs tokenCacheUpdatedArgs)
    {
        store.WritePrivate(File(tokenCacheUpdatedArgs.IsCaeEnabled), tokenCacheUpdatedArgs.UnsafeCacheData.Span);
        return Task.CompletedTask;
    }
}
