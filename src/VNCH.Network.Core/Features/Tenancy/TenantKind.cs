using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace VNCH.Network.Core.Features.Tenancy;

/// <summary>What a tenant is: a hospital that sends studies, or the national association that reads reports only.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TenantKind>))]
public enum TenantKind
{
    Hospital,
    Association,
}

/// <summary>The one rule of what each tenant kind may do, and the spelling of kinds on the command line.</summary>
public static class TenantKinds
{
    /// <summary>
    /// An association holds aggregate reports and its own audit trail, nothing else: whatever roles its token
    /// carries, no study, record or original is ever served to it.
    /// </summary>
    public static bool MayUse(this Tenant tenant, string role) =>
        tenant.Kind == TenantKind.Hospital || role is Roles.ReportsRead or Roles.TenantsAdmin;

    public static string Name(TenantKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Exactly <c>hospital</c> or <c>association</c> (any case); numbers and other names are refused.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, out TenantKind kind)
    {
        foreach (var candidate in Enum.GetValues<TenantKind>())
        {
            if (string.Equals(Name(candidate), value, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
