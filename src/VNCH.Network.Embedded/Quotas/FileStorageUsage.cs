using VNCH.Network.Core.Features.Quotas;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Quotas;

/// <summary>A hospital's originals on disk: originals/{tenant}/{xx}/{sha256}, uploads still in staging not counted.</summary>
public sealed class FileStorageUsage(DataFolder folder) : IStorageUsage
{
    public Task<StorageUsage> MeasureAsync(TenantId tenant, CancellationToken cancellationToken) => Task.Run(() =>
    {
        var root = new DirectoryInfo(Path.Combine(folder.Originals, tenant.Value));
        if (!root.Exists)
        {
            return StorageUsage.None;
        }

        long documents = 0, bytes = 0;
        foreach (var shard in root.EnumerateDirectories().Where(d => d.Name != FileOriginalStore.StagingFolderName))
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var original in shard.EnumerateFiles())
            {
                documents++;
                bytes += original.Length;
            }
        }

        return new StorageUsage(documents, bytes);
    }, cancellationToken);
}
