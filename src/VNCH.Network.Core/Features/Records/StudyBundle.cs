using Hl7.Fhir.Model;

namespace VNCH.Network.Core.Features.Records;

/// <summary>Assembles a study's stored FHIR resources into one collection Bundle.</summary>
public static class StudyBundle
{
    public static string ToJson(string studyId, IReadOnlyList<FhirRecord> records, DateTimeOffset timestamp)
    {
        var bundle = new Bundle
        {
            Id = studyId,
            Type = Bundle.BundleType.Collection,
            Timestamp = timestamp,
        };
        foreach (var record in records)
        {
            bundle.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = $"urn:uuid:{record.Id}",
                Resource = FhirJson.Parse<Resource>(record.Json),
            });
        }

        return FhirJson.Serialize(bundle);
    }
}
