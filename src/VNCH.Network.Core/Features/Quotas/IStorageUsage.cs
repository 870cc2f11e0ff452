using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Quotas;

/// <summary>Measures what one hospital keeps in the original store (a port: the adapters list their own storage).</summary>
public interface IStorageUsage
{
    Task<StorageUsage> MeasureAsync(TenantId tenant, CancellationToken cancellationToken);
}

/// <param name="Documents">Originals kept.</param>
/// <param name="Bytes">Their total length.</param>
public sealed record StorageUsage(long Documents, long Bytes)
{
    public static StorageUsage None { get; } = new(0, 0);

    public StorageUsage Plus(long documents, long bytes) => new(Documents + documents, Bytes + bytes);
}
