using System.Text.Json;
using System.Text.Json.Serialization;

namespace VNCH.Network.Embedded.Storage;

/// <summary>Serialisation of stored documents (study JSON, queue bodies).</summary>
internal static class StoreJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
