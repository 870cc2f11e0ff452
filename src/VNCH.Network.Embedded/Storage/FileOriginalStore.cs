using System.Buffers;
using System.Security.Cryptography;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Embedded.Storage;

/// <summary>
/// originals/{tenant}/{sha[0..2]}/{sha}: streamed to a temporary file while hashing, flushed to disk, then moved
/// into place. Same bytes twice: the second copy is discarded.
/// </summary>
public sealed class FileOriginalStore(DataFolder folder) : IOriginalStore
{
    /// <summary>Where an upload is received before it is named by its hash (emptied at start: <see cref="StagingCleanup"/>).</summary>
    public const string StagingFolderName = ".staging";

    private const int BufferSize = 81920;

    // The streams are not buffered by FileStream: the store copies through a pooled buffer of its own and the DICOM
    // reader fills pooled 64 KiB chunks, so FileStream's own 80 KB buffer was only one more allocation per upload and
    // per analysis (the largest left once the pixel buffers were pooled, issue 12).
    private const int Unbuffered = 0;

    public async Task<StoredOriginal> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken)
    {
        var tenantRoot = Path.Combine(folder.Originals, tenant.Value);
        var staging = Path.Combine(tenantRoot, StagingFolderName);
        DataFolder.CreatePrivateFolder(staging);
        var temporary = Path.Combine(staging, Guid.NewGuid().ToString("N"));
        string sha256;
        long length = 0;
        var alreadyStored = false;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(temporary, DataFolder.PrivateFile(FileMode.CreateNew, FileAccess.Write, FileOptions.Asynchronous, Unbuffered)))
            {
                var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                try
                {
                    int read;
                    while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                    {
                        hash.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        length += read;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }

                file.Flush(flushToDisk: true);
            }

            sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            var final = PathOf(tenant, sha256);
            DataFolder.CreatePrivateFolder(Path.GetDirectoryName(final)!);
            alreadyStored = File.Exists(final);
            if (!alreadyStored)
            {
                try
                {
                    File.Move(temporary, final, overwrite: false);
                }
                catch (IOException) when (File.Exists(final))
                {
                    // Another request stored the same bytes at the same moment.
                    alreadyStored = true;
                }
            }
        }
        finally
        {
            File.Delete(temporary);
        }

        return new StoredOriginal(sha256, length, alreadyStored);
    }

    public Task<Stream> OpenAsync(TenantId tenant, string sha256, CancellationToken cancellationToken)
    {
        var path = PathOf(tenant, sha256);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"No original {sha256} for tenant {tenant}.", path);
        }

        return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, Unbuffered, FileOptions.Asynchronous));
    }

    public Task<bool> ExistsAsync(TenantId tenant, string sha256, CancellationToken cancellationToken) =>
        Task.FromResult(File.Exists(PathOf(tenant, sha256)));

    public string PathOf(TenantId tenant, string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a lower-case hex SHA-256.", nameof(sha256));
        }

        return Path.Combine(folder.Originals, tenant.Value, sha256[..2], sha256);
    }
}
