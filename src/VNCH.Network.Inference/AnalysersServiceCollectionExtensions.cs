using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Inference.Analysers.Clinical;
using VNCH.Network.Inference.Registry;

namespace VNCH.Network.Inference;

public static class AnalysersServiceCollectionExtensions
{
    /// <summary>
    /// Everything a host analyses with: the verified ONNX models of the models folder (resolved against
    /// <paramref name="baseDirectory"/>, see <see cref="ModelsFolder"/>) and the clinical algorithms. One call per host
    /// keeps the embedded server and the Functions app registering the same analysers.
    /// </summary>
    public static IServiceCollection AddVnchAnalysers(
        this IServiceCollection services, InferenceOptions? options = null, string? baseDirectory = null, ILogger? logger = null)
    {
        options ??= new InferenceOptions();
        options.ModelsPath = ModelsFolder.Resolve(options.ModelsPath, baseDirectory ?? AppContext.BaseDirectory);
        InferenceOptionsValidator.ThrowIfInvalid(options);
        return services.AddOnnxModels(options, logger).AddClinicalAnalysers();
    }
}
