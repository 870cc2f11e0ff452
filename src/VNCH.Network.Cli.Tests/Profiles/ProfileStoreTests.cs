using System.Text;
using VNCH.Network.Cli.Commands.Profiles;
using VNCH.Network.Testing;

namespace VNCH.Network.Cli.Tests.Profiles;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ProfileStoreTests : IDisposable
{
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerOnlyFolder = OwnerOnlyFile | UnixFileMode.UserExecute;
    private readonly TempDirectory home = new("vnch-profiles");

    private ProfileStore Store => new(Path.Combine(home.Path, "config", "vnch"));

    [Fact]
    public void Saving_creates_an_owner_only_folder_and_file_and_loads_back_what_was_saved()
    {
        var profile = new CliProfile { Server = "http://127.0.0.1:5080", Auth = AuthMethods.Dev, Tenant = "hosp-a", Roles = "Studies.Read" };

        Store.Save(new ProfilesConfig { DefaultProfile = "local", Profiles = { ["local"] = profile } });

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Store.Directory));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.GetDirectoryName(Store.Directory)!)); // a missing parent too
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Store.ConfigFile));
        var loaded = Store.Load();
        Assert.Equal("local", loaded.DefaultProfile);
        Assert.Equal(profile, loaded.Profiles["local"]);
        Assert.Empty(Directory.GetFiles(Store.Directory, "*.tmp"));
    }

    [Fact]
    public void An_existing_wider_folder_is_narrowed_to_owner_only()
    {
        Directory.CreateDirectory(Store.Directory);
        File.SetUnixFileMode(Store.Directory, OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        Store.WritePrivate(Store.SecretFile("p", "dev-token"), "token"u8);

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Store.Directory));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Store.TokensDirectory));
        Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Store.SecretFile("p", "dev-token")));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void A_token_file_that_others_can_access_is_refused(UnixFileMode extra)
    {
        var file = Store.SecretFile("p", "msal-cache");
        Store.WritePrivate(file, "cache"u8);
        Assert.Equal("cache", Encoding.UTF8.GetString(Store.ReadPrivate(file)!));

        File.SetUnixFileMode(file, OwnerOnlyFile | extra);

        var refused = Assert.Throws<ProfileException>(() => Store.ReadPrivate(file));
        Assert.Contains("chmod 600", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Logout_deletes_only_that_profiles_secrets()
    {
        Store.WritePrivate(Store.SecretFile("a", "dev-token"), "1"u8);
        Store.WritePrivate(Store.SecretFile("a", "msal-cache"), "2"u8);
        Store.WritePrivate(Store.SecretFile("ab", "dev-token"), "3"u8);
        Store.WritePrivate(Store.SecretFile("a.b", "dev-token"), "4"u8);

        Assert.Equal(2, Store.DeleteSecrets("a"));

        Assert.Null(Store.ReadPrivate(Store.SecretFile("a", "dev-token")));
        Assert.NotNull(Store.ReadPrivate(Store.SecretFile("ab", "dev-token")));
        Assert.NotNull(Store.ReadPrivate(Store.SecretFile("a.b", "dev-token")));
    }

    [Theory]
    [InlineData("local", true)]
    [InlineData("prod.daemon_1", true)]
    [InlineData("../etc", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    public void Profile_names_cannot_leave_the_tokens_folder(string name, bool valid) => Assert.Equal(valid, ProfileStore.IsValidName(name));

    public void Dispose() => home.Dispose();
}
