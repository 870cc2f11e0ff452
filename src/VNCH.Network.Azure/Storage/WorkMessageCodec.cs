using System.Text.Json;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Azure.Storage;

/// <summary>
/// The queue message format shared by <see cref="StorageQueueWorkQueue"/> and the Functions triggers:
/// <c>{"tenant":"...","studyId":"...","reason":"..."}</c> (reason only on poison). Messages the Functions host moved to
/// poison by itself carry no reason.
/// </summary>
public static class WorkMessageCodec
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Encode(AnalyseStudy item, string? reason = null) =>
        JsonSerializer.Serialize(new Envelope(item.Tenant.Value, item.StudyId, reason), Json);

    public static string EncodeUnreadable(string original, string error) =>
        JsonSerializer.Serialize(new Unreadable(original, error), Json);

    public static bool TryDecode(string text, out AnalyseStudy item, out string? reason, out string error)
    {
        item = null!;
        reason = null;
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(text, Json);
        }
        catch (JsonException ex)
        {
            error = $"not a work message (invalid JSON: {ex.Message})";
            return false;
        }

        if (envelope is null || !TenantId.TryParse(envelope.Tenant, out var tenant))
        {
            error = "not a work message (missing or invalid tenant)";
            return false;
        }

        if (string.IsNullOrWhiteSpace(envelope.StudyId) || envelope.StudyId.Length > 128)
        {
            error = "not a work message (missing or invalid study id)";
            return false;
        }

        item = new AnalyseStudy(tenant, envelope.StudyId);
        reason = envelope.Reason;
        error = string.Empty;
        return true;
    }

    private sealed record Envelope(string? Tenant, string? StudyId, string? Reason);

    private sealed record Unreadable(string Original, string Reason);
}
