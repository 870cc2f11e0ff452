namespace VNCH.Network.Core.Features.Tenancy;

/// <summary>Which hospitals exist and which principals act for them (tenants.json embedded, a store in Azure).</summary>
public interface ITenantDirectory
{
    Task<Tenant?> GetAsync(TenantId id, CancellationToken cancellationToken);

    Task<IReadOnlyList<Tenant>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Adds or replaces a tenant (idempotent).</summary>
    Task UpsertAsync(Tenant tenant, CancellationToken cancellationToken);
}

public static class TenantResolver
{
    /// <summary>
    /// Maps the caller's claims to exactly one tenant. Zero or several matching tenants is a refusal: the tenant is
    /// never guessed, and never taken from the URL or body.
    /// </summary>
    public static async Task<TenantResolution> ResolveAsync(
        this ITenantDirectory directory, PrincipalClaims claims, CancellationToken cancellationToken)
    {
        var tenants = await directory.ListAsync(cancellationToken);
        var matches = tenants.Where(t => t.Mappings.Any(m => Matches(m, claims))).Take(2).ToList();
        return matches.Count switch
        {
            0 => TenantResolution.NotMapped,
            1 => new TenantResolution(TenantResolutionStatus.Resolved, matches[0]),
            _ => TenantResolution.Ambiguous,
        };
    }

    /// <summary>
    /// Only assignments the caller cannot choose count (ADR 0105): a group or app role of the hospital's registered
    /// directory, or the hospital claim of a local token. <c>tid</c> and <c>azp</c>/<c>appid</c> alone never map.
    /// </summary>
    private static bool Matches(TenantMapping mapping, PrincipalClaims claims) => mapping.Kind switch
    {
        TenantMappingKind.HospitalClaim => claims.EntraTenantId is null && Same(claims.HospitalClaim, mapping.Value),
        TenantMappingKind.EntraGroup => claims.EntraTenantId is { } tid && claims.Groups.Any(g => Same($"{tid}/{g}", mapping.Value)),
        TenantMappingKind.EntraAppRole => claims.EntraTenantId is { } tid && claims.Roles.Any(r => Same($"{tid}/{r}", mapping.Value)),
        _ => false,
    };

    private static bool Same(string? claim, string mapping) =>
        !string.IsNullOrWhiteSpace(claim) && string.Equals(claim, mapping, StringComparison.OrdinalIgnoreCase);
}
