using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace VNCH.Network.Core.Features.Records;

/// <summary>One place for Firely's System.Text.Json (strict) serialisation settings.</summary>
public static class FhirJson
{
    public static JsonSerializerOptions Options { get; } = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    public static string Serialize(Resource resource) => JsonSerializer.Serialize(resource, resource.GetType(), Options);

    /// <summary>Strict parse: unknown elements or invalid values throw <see cref="DeserializationFailedException"/>.</summary>
    public static T Parse<T>(string json)
        where T : Resource =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("Empty FHIR document.");
}
