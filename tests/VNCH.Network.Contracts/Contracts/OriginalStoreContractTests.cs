using System.Security.Cryptography;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Contracts.Contracts;

public abstract class OriginalStoreContractTests
{
    private static readonly TenantId TenantA = TenantId.Parse("contract-a");
    private static readonly TenantId TenantB = TenantId.Parse("contract-b");

    protected abstract IOriginalStore CreateStore();

    [Fact]
    public async Task Stores_byte_for_byte_under_the_sha256()
    {
        var store = CreateStore();
        var bytes = RandomNumberGenerator.GetBytes(300_000);
        var stored = await store.PutAsync(TenantA, new MemoryStream(bytes), CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Sha256);
        Assert.Equal(bytes.Length, stored.Length);
        await using var read = await store.OpenAsync(TenantA, stored.Sha256, CancellationToken.None);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
    }

    [Fact]
    public async Task The_same_bytes_twice_is_one_original()
    {
        var store = CreateStore();
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var first = await store.PutAsync(TenantA, new MemoryStream(bytes), CancellationToken.None);
        var second = await store.PutAsync(TenantA, new MemoryStream(bytes), CancellationToken.None);
        Assert.Equal((first.Sha256, first.Length), (second.Sha256, second.Length));
        Assert.False(first.WasAlreadyStored);
        Assert.True(second.WasAlreadyStored); // the quota counts an original once (ADR 0108)
        Assert.True(await store.ExistsAsync(TenantA, first.Sha256, CancellationToken.None));
    }

    [Fact]
    public async Task Originals_are_tenant_scoped()
    {
        var store = CreateStore();
        var stored = await store.PutAsync(TenantA, new MemoryStream([1, 2, 3]), CancellationToken.None);
        Assert.False(await store.ExistsAsync(TenantB, stored.Sha256, CancellationToken.None));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenAsync(TenantB, stored.Sha256, CancellationToken.None));
    }
}
