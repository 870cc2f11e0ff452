using VNCH.Network.Core.Features.Quotas;
using VNCH.Network.Core.Features.Tenancy;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace VNCH.Network.Azure.Storage;

/// <summary>
/// A hospital's originals in the blob container: the current blobs under its prefix <c>{tenant}/</c> (versions kept
/// by the immutability policy are not counted against it). Listing costs one request per 5,000 blobs, which is why
/// <see cref="StorageQuota"/> measures at most every <see cref="StorageQuotaOptions.UsageRefreshInterval"/>.
/// </summary>
public sealed class BlobStorageUsage(BlobContainerClient originals) : IStorageUsage
{
    public async Task<StorageUsage> MeasureAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        long documents = 0, bytes = 0;
        await foreach (var blob in originals.GetBlobsAsync(BlobTraits.None, BlobStates.None, $"{tenant.Value}/", cancellationToken))
        {
            documents++;
            bytes += blob.Properties.ContentLength ?? 0;
        }

        return new StorageUsage(documents, bytes);
    }
}
