using System.Text;

namespace VNCH.Network.Core.Features.Ingestion.Parsers;

/// <summary>Content sniffing of JSON documents that arrive without a specific media type (inbox files).</summary>
internal static class JsonHead
{
    /// <summary>No declared type, or only the generic application/json: the content decides.</summary>
    public static bool IsUndeclaredJson(string? mediaType) =>
        mediaType is null || string.Equals(mediaType, MediaTypes.Json, StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts (after a byte-order mark and white space) with a JSON object.</summary>
    public static bool IsObject(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\uFEFF"u8))
        {
            head = head[3..];
        }

        var start = head.IndexOfAnyExcept(" \t\r\n"u8);
        return start >= 0 && head[start] == (byte)'{';
    }

    /// <summary>A JSON object naming a FHIR resourceType in its first bytes (FHIR JSON puts it first by convention).</summary>
    public static bool IsFhirResource(ReadOnlySpan<byte> head, string? resourceType = null)
    {
        if (!IsObject(head))
        {
            return false;
        }

        const string Property = "\"resourceType\"";
        var text = Encoding.UTF8.GetString(head);
        var at = text.IndexOf(Property, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var value = text.AsSpan(at + Property.Length).TrimStart();
        return resourceType is null
            || (value.StartsWith(":") && value[1..].TrimStart().StartsWith($"\"{resourceType}\"", StringComparison.Ordinal));
    }
}
