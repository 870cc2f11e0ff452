using System.ComponentModel.DataAnnotations;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Quotas;

/// <summary>
/// Per-hospital storage limits (issue 13 item 7, ADR 0108): what one hospital may keep in originals, and how many of
/// its rejected documents' originals are kept. Defaults hold for every hospital; <see cref="Tenants"/> overrides
/// them per hospital id (a field left out inherits the default). Validated at start.
/// </summary>
public sealed class StorageQuotaOptions : IValidatableObject
{
    public const string Section = "Vnch:Quotas";

    private const long GiB = 1024L * 1024 * 1024;

    /// <summary>Bytes of originals one hospital may keep (accepted, conflicting and rejected documents); null: no limit.</summary>
    public long? MaxOriginalBytes { get; set; } = 1024 * GiB;

    /// <summary>Originals (documents) one hospital may keep; null: no limit.</summary>
    public long? MaxDocuments { get; set; } = 10_000_000;

    /// <summary>Rejected documents whose originals are kept per hospital; older ones are evicted first.</summary>
    public int? MaxRejectedDocuments { get; set; } = 1000;

    /// <summary>Bytes of rejected documents' originals kept per hospital.</summary>
    public long? MaxRejectedBytes { get; set; } = 1 * GiB;

    /// <summary>Age after which a rejected document's original is evicted.</summary>
    public TimeSpan? MaxRejectedAge { get; set; } = TimeSpan.FromDays(90);

    /// <summary>
    /// How long a measured usage is trusted before it is measured again (the stores are listed, which costs). In
    /// between, what this process stores is added to it, so the check stays exact for one process.
    /// </summary>
    public TimeSpan UsageRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Overrides by hospital id.</summary>
    public Dictionary<string, TenantQuotaOptions> Tenants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The limits that hold for one hospital: its overrides, else the defaults.</summary>
    public TenantQuota For(TenantId tenant)
    {
        var own = Tenants.GetValueOrDefault(tenant.Value);
        return new TenantQuota(
            own?.MaxOriginalBytes ?? MaxOriginalBytes,
            own?.MaxDocuments ?? MaxDocuments,
            own?.MaxRejectedDocuments ?? MaxRejectedDocuments,
            own?.MaxRejectedBytes ?? MaxRejectedBytes,
            own?.MaxRejectedAge ?? MaxRejectedAge);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = Check("default", this.MaxOriginalBytes, this.MaxDocuments, this.MaxRejectedDocuments, this.MaxRejectedBytes, this.MaxRejectedAge).ToList();
        if (UsageRefreshInterval <= TimeSpan.Zero)
        {
            errors.Add(new ValidationResult($"{Section}:UsageRefreshInterval must be positive."));
        }

        foreach (var (id, own) in Tenants)
        {
            if (!TenantId.TryParse(id, out _))
            {
                errors.Add(new ValidationResult($"{Section}:Tenants:{id} is not a hospital id."));
            }

            errors.AddRange(Check(id, own.MaxOriginalBytes, own.MaxDocuments, own.MaxRejectedDocuments, own.MaxRejectedBytes, own.MaxRejectedAge));
        }

        return errors;
    }

    private static IEnumerable<ValidationResult> Check(string who, long? bytes, long? documents, int? rejected, long? rejectedBytes, TimeSpan? rejectedAge)
    {
        if (bytes is <= 0 || documents is <= 0 || rejected is < 0 || rejectedBytes is < 0 || rejectedAge is { } age && age <= TimeSpan.Zero)
        {
            yield return new ValidationResult($"{Section} ({who}): quotas must be positive (rejected-document bounds may be 0: keep none).");
        }
    }
}

/// <summary>One hospital's overrides; a null field inherits the default.</summary>
public sealed class TenantQuotaOptions
{
    public long? MaxOriginalBytes { get; set; }

    public long? MaxDocuments { get; set; }

    public int? MaxRejectedDocuments { get; set; }

    public long? MaxRejectedBytes { get; set; }

    public TimeSpan? MaxRejectedAge { get; set; }
}

/// <summary>The limits in force for one hospital (null: no limit).</summary>
public sealed record TenantQuota(long? MaxOriginalBytes, long? MaxDocuments, int? MaxRejectedDocuments, long? MaxRejectedBytes, TimeSpan? MaxRejectedAge);
