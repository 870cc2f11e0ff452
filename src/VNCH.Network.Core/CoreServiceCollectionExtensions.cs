using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// The application handlers. Hosts add the adapters (ports) and the analysers (every registered
    /// <see cref="IAnalyser"/> and <see cref="IStudyDocumentParser"/> is picked up).
    /// </summary>
    public static IServiceCollection AddVnchCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IAnalyserRegistry>(sp => new AnalyserRegistry(sp.GetServices<IAnalyser>()));
        services.AddOptions<AnalysisOptions>().ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IngestionHandler>();
        services.TryAddSingleton<AnalysisHandler>();
        services.TryAddSingleton<StudyQueries>();
        services.TryAddSingleton<Features.DicomWeb.DicomWebQueries>();
        services.TryAddSingleton<StalledStudyRecovery>();
        return services;
    }
}
