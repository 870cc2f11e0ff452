using System.Security.Cryptography;
using VNCH.Network.Azure.Storage;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Quotas;

namespace VNCH.Network.Azure.Tests.Emulators;

/// <summary>Issue 13 item 7 on Azure: a hospital's quota usage is measured from the blobs under its own prefix (ADR 0108).</summary>
[Collection(EmulatorCollection.Name)]
public sealed class BlobStorageUsageTests(EmulatorFixture emulators)
{
    [Fact]
    public async Task Usage_counts_the_hospitals_own_originals_once_and_nothing_of_another_hospital()
    {
        var store = emulators.Get<IOriginalStore>();
        var usage = new BlobStorageUsage(emulators.Clients.Originals);
        var tenant = TestStudies.NewTenant();
        var other = TestStudies.NewTenant();
        var bytes = RandomNumberGenerator.GetBytes(1500);

        await store.PutAsync(tenant, new MemoryStream(bytes), CancellationToken.None);
        await store.PutAsync(tenant, new MemoryStream(bytes), CancellationToken.None);
        await store.PutAsync(tenant, new MemoryStream(RandomNumberGenerator.GetBytes(500)), CancellationToken.None);
        await store.PutAsync(other, new MemoryStream(RandomNumberGenerator.GetBytes(700)), CancellationToken.None);

        Assert.Equal(new StorageUsage(2, 2000), await usage.MeasureAsync(tenant, CancellationToken.None));
        Assert.Equal(new StorageUsage(1, 700), await usage.MeasureAsync(other, CancellationToken.None));
    }
}
