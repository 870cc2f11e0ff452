namespace VNCH.Network.Core.Features.Tenancy;

/// <summary>Entra app roles (claim <c>roles</c>).</summary>
public static class Roles
{
    public const string StudiesUpload = "Studies.Upload";
    public const string StudiesRead = "Studies.Read";
    public const string StudiesReview = "Studies.Review";
    public const string ReportsRead = "Reports.Read";
    public const string TenantsAdmin = "Tenants.Admin";

    public static IReadOnlyList<string> All { get; } = [StudiesUpload, StudiesRead, StudiesReview, ReportsRead, TenantsAdmin];
}

/// <summary>An authenticated caller acting for one resolved tenant.</summary>
public sealed record Caller(TenantId Tenant, string Subject, IReadOnlySet<string> Roles, string CorrelationId)
{
    public bool IsInRole(string role) => Roles.Contains(role);
}
