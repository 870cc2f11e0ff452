using VNCH.Network.Core.Features.Audiometry;
using VNCH.Network.Core.Features.Ingestion.Budgets;

namespace VNCH.Network.Core.Features.Ingestion.Parsers;

/// <summary>
/// An audiogram as a FHIR R4 Bundle of Observations (docs/audiogram.md, "FHIR input"). It becomes the same study as
/// the JSON form of the same visit, and the audiometry analyser reads it with <see cref="FhirAudiogramReader"/>.
/// Undeclared JSON (inbox files) is claimed when it names resourceType Bundle; any other FHIR resource is claimed
/// too, so the sender learns it is not accepted rather than being told the audiogram JSON is wrong.
/// </summary>
public sealed class FhirAudiogramBundleParser(InputBudget? budget = null) : IStudyDocumentParser
{
    private readonly InputBudgetOptions limits = (budget ?? InputBudget.Default).Limits;

    public bool CanParse(string? mediaType, ReadOnlySpan<byte> head) =>
        string.Equals(mediaType, FhirAudiogramReader.MediaType, StringComparison.OrdinalIgnoreCase)
        || (JsonHead.IsUndeclaredJson(mediaType) && JsonHead.IsFhirResource(head));

    public async Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken)
    {
        var json = await JsonBudget.ReadAsync(content, limits, cancellationToken);
        return AudiogramDocumentParser.Parse(() => FhirAudiogramReader.Read(new MemoryStream(json.ToArray(), writable: false)), FhirAudiogramReader.MediaType);
    }
}
