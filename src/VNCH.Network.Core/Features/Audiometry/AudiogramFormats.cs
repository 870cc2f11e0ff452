using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Signals;
using VNCH.Network.Signals.Audiometry;

namespace VNCH.Network.Core.Features.Audiometry;

/// <summary>The two forms an audiogram arrives in (docs/audiogram.md), told apart by the stored instance's content type.</summary>
public static class AudiogramFormats
{
    public static IReadOnlyList<string> MediaTypes { get; } = [AudiogramDocumentParser.MediaType, FhirAudiogramReader.MediaType];

    public static bool IsAudiogram(string? contentType) => MediaTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads either form; throws <see cref="SignalFormatException"/> listing every problem.</summary>
    public static AudiogramDocument Read(string contentType, Stream content) =>
        string.Equals(contentType, FhirAudiogramReader.MediaType, StringComparison.OrdinalIgnoreCase)
            ? FhirAudiogramReader.Read(content)
            : AudiogramReader.Read(content);
}
