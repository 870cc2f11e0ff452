using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VNCH.Network.Api.Hosting;
using VNCH.Network.Azure;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Functions.Analysis;
using VNCH.Network.Functions.Auth;

namespace VNCH.Network.Functions;

public static class FunctionsAppServices
{
    /// <summary>
    /// Everything the triggers need: the application (as the embedded server wires it), the Azure adapters, Entra ID
    /// authentication, and the check that host.json's retries agree with the handler's attempt budget. One method
    /// so a test can build the same container the host builds (the host itself cannot run here).
    /// </summary>
    public static IServiceCollection AddVnchFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVnchApplication(configuration);
        services.AddVnchAzure(configuration);
        services.AddVnchEntraAuthentication(configuration);
        services.AddSingleton<Ingestion.IInboxBlobs, Ingestion.BlobInboxBlobs>();
        services.AddSingleton<Ingestion.IInboxBlobs, Ingestion.BlobInboxBlobs>();
        services.AddSingleton<IValidateOptions<WorkRetryOptions>>(new HostJsonRetryValidator(Path.Combine(AppContext.BaseDirectory, "host.json")));
        return services;
    }
}
