using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Inbox;
using VNCH.Network.Embedded.Tests.Inbox;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Hardening;

/// <summary>
/// Issue 13 item 4: a file that a writer still holds open is not taken, however long ago it was last written (the
/// settle time alone is no guarantee on Linux); it is taken at the first scan after the writer closes it.
/// </summary>
public sealed class InboxWriterTests : InboxFixture
{
    [Fact]
    public async Task A_settled_file_still_open_for_writing_is_left_until_its_writer_closes_it()
    {
        await using var provider = InboxServices(settleTime: TimeSpan.FromSeconds(1));
        await provider.GetRequiredService<ITenantDirectory>().UpsertAsync(
            new Tenant { Id = TenantId.Parse("hosp-a"), Name = "A", Mappings = [new(TenantMappingKind.HospitalClaim, "hosp-a")] }, CancellationToken.None);
        var inbox = Path.Combine(Folder.Inbox, "hosp-a");
        Directory.CreateDirectory(inbox);
        var path = Path.Combine(inbox, "ct.dcm");
        var whole = await File.ReadAllBytesAsync(TestData.File("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm"));
        var watcher = provider.GetRequiredService<InboxWatcher>();

        var writer = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        await writer.WriteAsync(whole.AsMemory(0, whole.Length / 2));
        await writer.FlushAsync();
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1)); // a stalled copy looks settled
        var whileOpen = await watcher.ScanOnceAsync(CancellationToken.None);
        var stillThere = File.Exists(path);
        await writer.WriteAsync(whole.AsMemory(whole.Length / 2));
        await writer.DisposeAsync();
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddHours(-1));
        var afterClose = await watcher.ScanOnceAsync(CancellationToken.None);

        Assert.Equal(0, whileOpen);
        Assert.True(stillThere);
        Assert.Equal(1, afterClose);
        Assert.True(File.Exists(Path.Combine(Folder.Processed, "hosp-a", "ct.dcm")));
    }

    [Fact]
    public void A_file_opened_only_for_reading_has_no_writer()
    {
        var path = Path.Combine(Folder.Root, "read-only.bin");
        Directory.CreateDirectory(Folder.Root);
        File.WriteAllBytes(path, [1, 2, 3]);
        using var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var opened = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

        Assert.False(OpenWriters.AnyWriter(opened));
        using var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        Assert.True(OpenWriters.AnyWriter(opened));
    }
}
