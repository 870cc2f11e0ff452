using System.Security.Cryptography;
using VNCH.Network.Azure.Storage;
using VNCH.Network.Core.Features.Ingestion;

namespace VNCH.Network.Azure.Tests.Emulators;

[Collection(EmulatorCollection.Name)]
public sealed class BlobOriginalStoreTests(EmulatorFixture emulators)
{
    private readonly IOriginalStore store = emulators.Get<IOriginalStore>();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Stores_bytes_unchanged_under_their_sha256_within_the_tenant(bool seekable)
    {
        var tenant = TestStudies.NewTenant();
        var bytes = RandomNumberGenerator.GetBytes(300_000);

        var stored = await store.PutAsync(tenant, Source(bytes, seekable), CancellationToken.None);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), stored.Sha256);
        Assert.Equal(bytes.Length, stored.Length);
        await using var read = await store.OpenAsync(tenant, stored.Sha256, CancellationToken.None);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy);
        Assert.Equal(bytes, copy.ToArray());
        Assert.True(await emulators.Clients.Originals.GetBlobClient($"{tenant}/{stored.Sha256[..2]}/{stored.Sha256}").ExistsAsync());
    }

    [Fact]
    public async Task Storing_the_same_bytes_twice_is_a_no_op_that_keeps_the_first_blob()
    {
        var tenant = TestStudies.NewTenant();
        var bytes = RandomNumberGenerator.GetBytes(1000);
        var first = await store.PutAsync(tenant, Source(bytes, seekable: false), CancellationToken.None);
        var blob = emulators.Clients.Originals.GetBlobClient(BlobOriginalStore.BlobName(tenant, first.Sha256));
        var etag = (await blob.GetPropertiesAsync()).Value.ETag;

        var second = await store.PutAsync(tenant, Source(bytes, seekable: true), CancellationToken.None);

        Assert.Equal(first with { WasAlreadyStored = true }, second);
        Assert.Equal(etag, (await blob.GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_an_original()
    {
        var owner = TestStudies.NewTenant();
        var other = TestStudies.NewTenant();
        var stored = await store.PutAsync(owner, new MemoryStream([1, 2, 3]), CancellationToken.None);

        Assert.True(await store.ExistsAsync(owner, stored.Sha256, CancellationToken.None));
        Assert.False(await store.ExistsAsync(other, stored.Sha256, CancellationToken.None));
        await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenAsync(other, stored.Sha256, CancellationToken.None));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("ABCDEF")]
    [InlineData("")]
    public async Task Rejects_a_name_that_is_not_a_sha256(string sha256)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenAsync(TestStudies.NewTenant(), sha256, CancellationToken.None));
    }

    [Fact]
    public async Task Stores_an_empty_document()
    {
        var stored = await store.PutAsync(TestStudies.NewTenant(), new MemoryStream(), CancellationToken.None);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", stored.Sha256);
        Assert.Equal(0, stored.Length);
    }

    private static Stream Source(byte[] bytes, bool seekable) => seekable ? new MemoryStream(bytes) : new NonSeekableStream(bytes);

    /// <summary>Like an HTTP request body: forward-only.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Position { get => base.Position; set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}
