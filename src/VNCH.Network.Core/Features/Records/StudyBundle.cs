using System.Buffers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;

namespace VNCH.Network.Core.Features.Records;

/// <summary>Assembles a study's stored FHIR resources into one collection Bundle.</summary>
public static class StudyBundle
{
    public static string ToJson(string studyId, IReadOnlyList<FhirRecord> records, DateTimeOffset timestamp)
    {
        // The envelope through Firely (its id, type and instant formats); the stored resources are copied as they are.
        // They were written by FhirJson.Serialize, so parsing and serialising them again (most of the CPU of this read
        // in the issue 12 profile) gave back the same text.
        using var envelope = JsonDocument.Parse(FhirJson.Serialize(new Bundle
        {
            Id = studyId,
            Type = Bundle.BundleType.Collection,
            Timestamp = timestamp,
        }));
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = FhirJson.Options.Encoder }))
        {
            writer.WriteStartObject();
            foreach (var property in envelope.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            if (records.Count > 0)
            {
                writer.WriteStartArray("entry");
                foreach (var record in records)
                {
                    writer.WriteStartObject();
                    writer.WriteString("fullUrl", $"urn:uuid:{record.Id}");
                    writer.WritePropertyName("resource");
                    writer.WriteRawValue(record.Json);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
