using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Inference.Analysers.Imaging;

namespace VNCH.Network.Inference.Registry;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>
    /// Loads the models once, now (at host start-up), and registers the registry plus one <see cref="IAnalyser"/>
    /// per verified model. Refused models are logged by the registry and simply not registered.
    /// </summary>
    public static IServiceCollection AddOnnxModels(this IServiceCollection services, InferenceOptions options, ILogger? logger = null)
    {
        var registry = ModelRegistry.Load(options, logger);
        services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();
        services.AddSingleton(registry);
        foreach (var model in registry.Models)
        {
            services.AddSingleton<IAnalyser>(new OnnxImagingAnalyser(model));
        }

        return services;
    }
}
