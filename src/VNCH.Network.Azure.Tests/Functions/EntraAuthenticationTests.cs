using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using VNCH.Network.Functions.Auth;

namespace VNCH.Network.Azure.Tests.Functions;

public sealed class EntraAuthenticationTests
{
    private const string TenantId = "7f6c1e4e-8d2b-4c59-9f3a-0d5b8e2a1c77";
    private const string ClientId = "0b3f9a52-6c1d-4e8f-a7b2-5d9e1c3f4a60";

    private static IConfiguration Configuration(string? instance = "https://login.microsoftonline.com/", string? clientId = ClientId) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = instance,
            ["AzureAd:TenantId"] = TenantId,
            ["AzureAd:ClientId"] = clientId,
            ["AzureAd:Audience"] = $"api://{ClientId}",
        }).Build();

    [Fact]
    public void Tokens_are_validated_against_entra_id_metadata_only()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(Configuration());
        services.AddVnchEntraAuthentication(Configuration());
        using var provider = services.BuildServiceProvider();

        var jwt = provider.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);

        Assert.StartsWith($"https://login.microsoftonline.com/{TenantId}", jwt.Authority, StringComparison.OrdinalIgnoreCase);
        Assert.Null(jwt.TokenValidationParameters.IssuerSigningKey);
        Assert.True(jwt.TokenValidationParameters.IssuerSigningKeys is null || !jwt.TokenValidationParameters.IssuerSigningKeys.Any());
        Assert.Null(jwt.TokenValidationParameters.IssuerSigningKeyResolver);
        Assert.True(jwt.TokenValidationParameters.ValidateAudience);
        var identity = provider.GetRequiredService<IOptionsMonitor<MicrosoftIdentityOptions>>().Get(JwtBearerDefaults.AuthenticationScheme);
        Assert.Equal(ClientId, identity.ClientId);
        Assert.Equal(TenantId, identity.TenantId);
        Assert.False(jwt.MapInboundClaims);
    }

    [Theory]
    [InlineData(null, ClientId)]
    [InlineData("http://login.microsoftonline.com/", ClientId)]
    [InlineData("https://login.microsoftonline.com/", null)]
    public void The_host_refuses_to_start_without_a_complete_entra_configuration(string? instance, string? clientId)
    {
        Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddVnchEntraAuthentication(Configuration(instance, clientId)));
    }
}
