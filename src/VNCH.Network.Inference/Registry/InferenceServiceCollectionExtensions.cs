using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace VNCH.Network.Inference.Registry;

public static class InferenceServiceCollectionExtensions
{
    /// <summary>Registers the options validator and a singleton <see cref="ModelRegistry"/> loaded from the options.
    /// Bind the options (section <see cref="InferenceOptions.SectionName"/>) and call ValidateOnStart in the host.</summary>
    public static IServiceCollection AddModelRegistry(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<InferenceOptions>, InferenceOptionsValidator>();
        services.AddSingleton(provider => ModelRegistry.Load(
            provider.GetRequiredService<IOptions<InferenceOptions>>().Value,
            provider.GetService<ILoggerFactory>()?.CreateLogger<ModelRegistry>()));
        return services;
    }
}
