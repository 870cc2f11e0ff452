using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Budgets;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// The application handlers, the document parsers and their options (validated at start). Hosts call it through
    /// their one composition entry and add the adapters (ports) and the analysers (every registered
    /// <see cref="IAnalyser"/> is picked up).
    /// </summary>
    public static IServiceCollection AddVnchCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<WorkRetryOptions>().Bind(configuration.GetSection(WorkRetryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<WorkRetryPolicy>();
        services.AddOptions<AnalysisOptions>().Bind(configuration.GetSection(AnalysisOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<InputBudgetOptions>().Bind(configuration.GetSection(InputBudgetOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<InputBudget>();
        services.AddOptions<Features.Quotas.StorageQuotaOptions>().Bind(configuration.GetSection(Features.Quotas.StorageQuotaOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IAnalyserRegistry>(sp => new AnalyserRegistry(sp.GetServices<IAnalyser>()));
        services.TryAddSingleton<IngestionHandler>();
        services.TryAddSingleton<InboxHandler>();
        services.TryAddSingleton<IAnalysisFinish, StepwiseAnalysisFinish>();
        services.TryAddSingleton<AnalysisCompute>();
        services.TryAddSingleton<AnalysisHandler>();
        services.TryAddSingleton<StudyQueries>();
        services.TryAddSingleton<Features.Review.ReviewHandler>();
        services.TryAddSingleton<StudyTrailQueries>();
        services.TryAddSingleton<Features.DicomWeb.DicomWebQueries>();
        services.TryAddSingleton<StalledStudyRecovery>();

        // The document kinds the network accepts; order matters only for documents two parsers could claim.
        services.AddSingleton<IStudyDocumentParser, DicomDocumentParser>();
        services.AddSingleton<IStudyDocumentParser, AecgDocumentParser>();
        services.AddSingleton<IStudyDocumentParser, AudiogramDocumentParser>();
        services.AddSingleton<IStudyDocumentParser, FhirAudiogramBundleParser>();
        return services;
    }
}
