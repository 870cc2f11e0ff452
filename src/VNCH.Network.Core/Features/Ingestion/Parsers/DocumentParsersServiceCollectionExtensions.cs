using Microsoft.Extensions.DependencyInjection;

namespace VNCH.Network.Core.Features.Ingestion.Parsers;

public static class DocumentParsersServiceCollectionExtensions
{
    /// <summary>The document kinds the network accepts; order matters only for documents two parsers could claim.</summary>
    public static IServiceCollection AddVnchDocumentParsers(this IServiceCollection services)
    {
        services.AddSingleton<IStudyDocumentParser, DicomDocumentParser>();
        services.AddSingleton<IStudyDocumentParser, AecgDocumentParser>();
        services.AddSingleton<IStudyDocumentParser, AudiogramDocumentParser>();
        services.AddSingleton<IStudyDocumentParser, FhirAudiogramBundleParser>();
        return services;
    }
}
