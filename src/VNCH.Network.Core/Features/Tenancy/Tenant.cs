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
    /// <summary>
    /// Entra ID directory (<c>tid</c>). Never maps a caller by itself (ADR 0105): every caller of a directory has it.
    /// Kept so that directories written before ADR 0105 still load.
    /// </summary>
    EntraTenant,

    /// <summary>Client application (<c>azp</c>/<c>appid</c>). Never maps by itself (ADR 0105): it names the app, not the hospital.</summary>
    ClientApplication,

    /// <summary>The <c>vnch_tenant</c> claim of a local token (embedded host); ignored in any Entra token (one with <c>tid</c>).</summary>
    HospitalClaim,

    /// <summary>An Entra security group, <c>{tid}/{group object id}</c>: member callers of that directory (<c>groups</c> claim).</summary>
    EntraGroup,

    /// <summary>An app role assigned by an administrator, <c>{tid}/{role value}</c> such as <c>…/Hospital.bv-nhi-trung-uong</c> (<c>roles</c> claim).</summary>
    EntraAppRole,
}

public sealed record TenantMapping(TenantMappingKind Kind, string Value)
{
    /// <summary>Members of the group in the given directory act for the hospital.</summary>
    public static TenantMapping EntraGroup(string directoryId, string groupObjectId) =>
        new(TenantMappingKind.EntraGroup, Qualified(directoryId, groupObjectId));

    /// <summary>Users and applications the directory's administrator assigned the app role act for the hospital.</summary>
    public static TenantMapping EntraAppRole(string directoryId, string roleValue) =>
        new(TenantMappingKind.EntraAppRole, Qualified(directoryId, roleValue));

    /// <summary>
    /// Group ids and role values mean something only in the directory that assigned them (in a multi-tenant app every
    /// directory's administrator can assign <c>Hospital.x</c>), so an Entra mapping always carries its directory.
    /// </summary>
    public static string Qualified(string directoryId, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directoryId);
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        if (directoryId.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A directory id has no '/'.", nameof(directoryId));
        }

        return $"{directoryId.Trim()}/{value.Trim()}";
    }
}

/// <summary>The claims of an authenticated caller that tenant resolution looks at.</summary>
public sealed record PrincipalClaims(string? EntraTenantId, string? ClientApplicationId, string? HospitalClaim)
{
    /// <summary>Group object ids (<c>groups</c> claim).</summary>
    public IReadOnlyCollection<string> Groups { get; init; } = [];

    /// <summary>Role values (<c>roles</c> claim): route roles and <c>Hospital.&lt;code&gt;</c> app roles.</summary>
    public IReadOnlyCollection<string> Roles { get; init; } = [];
}

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
