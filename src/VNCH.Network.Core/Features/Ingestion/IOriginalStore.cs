using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Ingestion;

/// <summary>
/// Originals byte-for-byte, content-addressed by SHA-256 within a tenant. Writing streams (never buffers the whole
/// document) and hashes on the way; writing the same bytes twice is a no-op.
/// </summary>
public interface IOriginalStore
{
    Task<StoredOriginal> PutAsync(TenantId tenant, Stream content, CancellationToken cancellationToken);

    /// <summary>Opens a stored original; throws <see cref="FileNotFoundException"/> when absent.</summary>
    Task<Stream> OpenAsync(TenantId tenant, string sha256, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(TenantId tenant, string sha256, CancellationToken cancellationToken);
}

/// <param name="Sha256">Lower-case hex.</param>
/// <param name="WasAlreadyStored">The same bytes were stored before: this put added nothing (quota, ADR 0108).</param>
public sealed record StoredOriginal(string Sha256, long Length, bool WasAlreadyStored = false);
