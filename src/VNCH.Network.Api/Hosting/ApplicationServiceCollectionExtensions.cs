using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core;
using VNCH.Network.Inference;
using VNCH.Network.Inference.Registry;

namespace VNCH.Network.Api.Hosting;

public static class ApplicationServiceCollectionExtensions
{
    /// <summary>
    /// The application both hosts run, wired in one place: Core's handlers, parsers and retry policy, and the
    /// analysers (the verified ONNX models of <c>Inference:ModelsPath</c> and the clinical algorithms), each with its
    /// options from its named section. A host adds only its storage adapters, its authentication and its triggers.
    /// </summary>
    /// <param name="startupLogger">Where refused models are reported while the container is being built.</param>
    public static IServiceCollection AddVnchApplication(this IServiceCollection services, IConfiguration configuration, ILogger? startupLogger = null)
    {
        services.AddVnchCore(configuration);
        services.AddOptions<Routing.PublicUrlOptions>().Bind(configuration.GetSection(Routing.PublicUrlOptions.Section))
            .Validate(o => o.IsValid, "Vnch:Api:PublicBaseUrl must be an absolute http(s) URL without query, fragment or user info.").ValidateOnStart();
        services.AddVnchAnalysers(configuration.GetSection(InferenceOptions.SectionName).Get<InferenceOptions>(), logger: startupLogger);
        services.AddSingleton<Inference.Display.StudyDisplayQueries>();
        services.AddSingleton<Inference.Display.ModelCatalog>();
        services.AddSingleton<Features.Studies.StudySummaryCache>();
        return services;
    }
}
