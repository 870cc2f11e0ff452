using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Storage;

/// <summary>
/// Originals in a blob container, content-addressed under the tenant: <c>{tenant}/{sha[0..2]}/{sha256}</c>.
/// The name depends on the content, so the hash is computed before the upload: a seekable stream is hashed and
/// rewound, anything else is spooled to a temporary file while hashing (never held in memory). The upload is
/// conditional (If-None-Match: *), so two deliveries of the same bytes write once and never overwrite.
/// </summary>
public sealed partial class BlobOriginalStore(BlobContainerClient container) : IOriginalStore
{
    private const int BufferSize = 81920;

    public async Task<StoredOriginal> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await using var spool = content.CanSeek ? null : CreateSpoolFile();
        var source = spool ?? content;
        var start = content.CanSeek ? content.Position : 0;

        var (sha256, length) = await HashAsync(content, spool, cancellationToken);
        var blob = container.GetBlobClient(BlobName(tenant, sha256));
        source.Position = start;

        var alreadyStored = false;
        try
        {
            await blob.UploadAsync(source, new BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                HttpHeaders = new BlobHttpHeaders { ContentType = MediaTypes.OctetStream },
                Metadata = new Dictionary<string, string> { ["sha256"] = sha256, ["tenant"] = tenant.Value },
            }, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Same name means same bytes: an earlier delivery already stored this original.
            alreadyStored = true;
        }

        return new StoredOriginal(sha256, length, alreadyStored);
    }

    public async Task<Stream> OpenAsync(TenantId tenant, string sha256, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(BlobName(tenant, sha256));
        try
        {
            return await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"No original {sha256} for tenant {tenant}.", blob.Name, ex);
        }
    }

    public async Task<bool> ExistsAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) =>
        await container.GetBlobClient(BlobName(tenant, sha256)).ExistsAsync(cancellationToken);

    /// <summary>Tenant prefix first (listing and lifecycle rules per hospital), then a fan-out level.</summary>
    public static string BlobName(TenantId tenant, string sha256)
    {
        if (sha256 is null || !Sha256Pattern().IsMatch(sha256))
        {
            throw new ArgumentException($"'{sha256}' is not a lower-case hex SHA-256.", nameof(sha256));
        }

        return $"{tenant.Value}/{sha256[..2]}/{sha256}";
    }

    private static async Task<(string Sha256, long Length)> HashAsync(Stream content, Stream? spool, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferSize];
        long length = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (spool is not null)
            {
                await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            length += read;
        }

        return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
    }

    private static FileStream CreateSpoolFile() =>
        new(Path.Combine(Path.GetTempPath(), $"vnch-original-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, BufferSize, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();
}
