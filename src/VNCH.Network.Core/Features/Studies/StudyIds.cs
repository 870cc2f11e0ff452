using System.Security.Cryptography;
using System.Text;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Studies;

/// <summary>
/// Deterministic identifiers: the same input (re)processed yields the same ids, so at-least-once delivery updates
/// records instead of duplicating them. Ids are RFC 4122 version-5 style UUIDs over SHA-256 of a namespaced name.
/// </summary>
public static class StudyIds
{
    /// <summary>Number of subject buckets per tenant (Cosmos second partition level).</summary>
    public const int SubjectBuckets = 64;

    public static string Study(TenantId tenant, StudyKind kind, string studyInstanceUid) =>
        Uuid($"study|{tenant}|{kind}|{studyInstanceUid}");

    /// <summary>A document that could not be parsed is its own study, named by its content.</summary>
    public static string UnparsedStudy(TenantId tenant, string sha256) => Uuid($"unparsed|{tenant}|{sha256}");

    public static string Patient(TenantId tenant, string issuer, string patientId) =>
        Uuid($"patient|{tenant}|{issuer}|{patientId}");

    /// <summary>Id of a FHIR resource derived from a study (and optionally an analyser and a finding index).</summary>
    public static string Resource(TenantId tenant, string studyId, string resourceType, params string[] parts) =>
        Uuid($"{resourceType}|{tenant}|{studyId}|{string.Join('|', parts)}");

    /// <summary>Stable, non-identifying bucket of the patient key (tenant-local).</summary>
    public static string SubjectKey(TenantId tenant, PatientReference? patient, string fallback)
    {
        var key = patient is null ? $"none|{fallback}" : $"{patient.Issuer}|{patient.Id}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{tenant}|{key}"));
        return $"s{hash[0] % SubjectBuckets:D2}";
    }

    /// <summary>
    /// The subject bucket of a parsed study, a function of its id alone: every instance of the study, whatever patient
    /// it names and whichever arrives first, computes the same Cosmos partition, so a racing second create conflicts.
    /// </summary>
    public static string StudySubjectKey(TenantId tenant, string studyId) => SubjectKey(tenant, null, $"study|{studyId}");

    public static string Uuid(string name)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("vnch-network:" + name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}
