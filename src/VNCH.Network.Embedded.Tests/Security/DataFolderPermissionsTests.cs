using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Auth;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Embedded.Tenancy;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Security;

/// <summary>Issue 13, item 9: nothing under the data path is readable by another local user.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderPermissionsTests : IDisposable
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly TempDirectory directory = new("vnch-perms");

    [Fact]
    public async Task Folders_database_originals_tenants_and_key_are_owner_only()
    {
        // A data folder that already exists with the usual umask (0755) is tightened too.
        var root = Path.Combine(directory.Path, "data");
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var folder = new DataFolder(root);
        var database = new SqliteDatabase(folder);
        var stored = await new FileOriginalStore(folder).PutAsync(TenantId.Parse("hosp-a"), new MemoryStream([1, 2, 3]), CancellationToken.None);
        await new JsonTenantDirectory(folder).UpsertAsync(new Tenant { Id = TenantId.Parse("hosp-a"), Name = "A" }, CancellationToken.None);
        LocalAuth.LoadOrCreateSigningKey(folder);
        Assert.NotNull(database);

        foreach (var path in new[] { folder.Root, folder.Originals, folder.Inbox, folder.Processed, folder.Unattributed, folder.Keys, Path.Combine(folder.Originals, "hosp-a") })
        {
            Assert.True(File.GetUnixFileMode(path) == OwnerOnlyFolder, $"{path}: {File.GetUnixFileMode(path)}");
        }

        var original = new FileOriginalStore(folder).PathOf(TenantId.Parse("hosp-a"), stored.Sha256);
        foreach (var path in new[] { folder.Database, original, folder.TenantsFile, Path.Combine(folder.Keys, LocalAuth.KeyFileName) })
        {
            Assert.True(File.GetUnixFileMode(path) == OwnerOnlyFile, $"{path}: {File.GetUnixFileMode(path)}");
        }
    }

    [Fact]
    public void A_signing_key_readable_by_others_is_refused()
    {
        var folder = new DataFolder(Path.Combine(directory.Path, "data"));
        folder.EnsureCreated();
        LocalAuth.LoadOrCreateSigningKey(folder);
        var key = Path.Combine(folder.Keys, LocalAuth.KeyFileName);
        File.SetUnixFileMode(key, OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var refused = Assert.Throws<InvalidOperationException>(() => LocalAuth.LoadOrCreateSigningKey(folder));
        Assert.Contains("readable by other users (mode 644)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}
