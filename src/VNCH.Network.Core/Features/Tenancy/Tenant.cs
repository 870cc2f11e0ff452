namespace VNCH.Network.Core.Features.Tenancy;

/// <summary>A hospital (or the association) and the principals that act for it.</summary>
public sealed record Tenant
{
    public required TenantId Id { get; init; }

    public required string Name { get; init; }

    public TenantKind Kind { get; init; } = TenantKind.Hospital;

    /// <summary>The hospital's province (a reporting dimension); null when not registered.</summary>
    public string? Province { get; init; }

    /// <summary>The code national systems (DHIS2 org units) use for this facility; null when not registered.</summary>
    public string? FacilityCode { get; init; }

    /// <summary>Claims that identify this hospital's callers (any one matching is enough).</summary>
    public IReadOnlyList<TenantMapping> Mappings { get; init; } = [];
}

public enum TenantMappingKind
{
    /// <summary>Entra ID directory (<c>tid</c> claim).</summary>
    EntraTenant,

    /// <summary>Client application (<c>azp</c> or <c>appid</c> claim), for daemon apps of one hospital.</summary>
    ClientApplication,

    /// <summary>The <c>vnch_tenant</c> claim (local tokens, federated hospital IdPs).</summary>
    HospitalClaim,
}

public sealed record TenantMapping(TenantMappingKind Kind, string Value);

/// <summary>The claims of an authenticated caller that tenant resolution looks at.</summary>
public sealed record PrincipalClaims(string? EntraTenantId, string? ClientApplicationId, string? HospitalClaim);

public enum TenantResolutionStatus
{
    Resolved,
    NotMapped,
    Ambiguous,
}

public sealed record TenantResolution(TenantResolutionStatus Status, Tenant? Tenant)
{
    public static TenantResolution NotMapped { get; } = new(TenantResolutionStatus.NotMapped, null);

    public static TenantResolution Ambiguous { get; } = new(TenantResolutionStatus.Ambiguous, null);
}
