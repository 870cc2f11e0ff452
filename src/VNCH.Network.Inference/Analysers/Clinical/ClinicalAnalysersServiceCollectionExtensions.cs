using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VNCH.Network.Core.Features.Analysis;

namespace VNCH.Network.Inference.Analysers.Clinical;

public static class ClinicalAnalysersServiceCollectionExtensions
{
    /// <summary>Registers the clinical algorithms (ECG intervals, audiometry) as analysers; safe to call twice.</summary>
    public static IServiceCollection AddClinicalAnalysers(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAnalyser, EcgAnalyser>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAnalyser, AudiometryAnalyser>());
        return services;
    }
}
