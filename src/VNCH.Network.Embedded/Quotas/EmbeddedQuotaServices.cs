using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Core.Features.Quotas;

namespace VNCH.Network.Embedded.Quotas;

public static class EmbeddedQuotaServices
{
    /// <summary>Storage quotas and bounded retention of rejected documents on the embedded stores (ADR 0108).</summary>
    public static IServiceCollection AddVnchEmbeddedQuotas(this IServiceCollection services)
    {
        services.AddSingleton<IStorageUsage, FileStorageUsage>();
        services.AddSingleton<StorageQuota>();
        services.AddSingleton<IRejectedOriginals, SqliteRejectedOriginals>();
        services.AddSingleton<RejectedRetention>();
        return services;
    }
}
