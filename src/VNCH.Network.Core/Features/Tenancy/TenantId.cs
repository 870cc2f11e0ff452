using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace VNCH.Network.Core.Features.Tenancy;

/// <summary>A hospital's identifier in the network: lower-case letters, digits and '-', 2 to 64 characters.</summary>
[JsonConverter(typeof(TenantIdJsonConverter))]
public readonly partial record struct TenantId
{
    private TenantId(string value) => Value = value;

    public string Value { get; }

    public static TenantId Parse(string value) =>
        TryParse(value, out var id)
            ? id
            : throw new ArgumentException($"'{value}' is not a valid tenant id (lower-case letters, digits and '-', 2-64 characters).", nameof(value));

    public static bool TryParse([NotNullWhen(true)] string? value, out TenantId id)
    {
        id = default;
        if (value is null || !Pattern().IsMatch(value))
        {
            return false;
        }

        id = new TenantId(value);
        return true;
    }

    public override string ToString() => Value;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex Pattern();
}

internal sealed class TenantIdJsonConverter : JsonConverter<TenantId>
{
    public override TenantId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        TenantId.Parse(reader.GetString() ?? throw new JsonException("Tenant id is null."));

    public override void Write(Utf8JsonWriter writer, TenantId value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
