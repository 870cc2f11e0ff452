using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Azure;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Functions.Auth;
using VNCH.Network.Inference;
using VNCH.Network.Inference.Registry;

namespace VNCH.Network.Functions;

public static class FunctionsAppServices
{
    /// <summary>
    /// Everything the triggers need: Core handlers and parsers, the Azure adapters, Entra ID authentication. One
    /// method so a test can build the same container the host builds (the host itself cannot run here).
    /// </summary>
    public static IServiceCollection AddVnchFunctionsApp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddVnchCore();
        services.AddVnchDocumentParsers();
        services.AddVnchAnalysers(configuration.GetSection(InferenceOptions.SectionName).Get<InferenceOptions>());
        services.AddVnchAzure(configuration);
        services.AddVnchEntraAuthentication(configuration);
        services.Configure<AnalysisOptions>(configuration.GetSection("Analysis"));
        return services;
    }
}
