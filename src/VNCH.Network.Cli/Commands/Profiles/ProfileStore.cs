using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Cli.Commands.Profiles;

/// <summary>
/// The user's profiles: <c>config.json</c> in the XDG config directory (<c>$XDG_CONFIG_HOME/vnch</c>, else
/// <c>~/.config/vnch</c>; <c>%APPDATA%\vnch</c> on Windows) and, under <c>tokens/</c>, each profile's cached tokens and
/// secrets. The directories are 0700 and every file is written 0600; a token file that others could read is refused,
/// not used, because whoever can read it can act as the hospital.
/// </summary>
public sealed partial class ProfileStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new(JsonOutput.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public string Directory { get; } = directory;

    public string ConfigFile => Path.Combine(Directory, "config.json");

    public string TokensDirectory => Path.Combine(Directory, "tokens");

    public static ProfileStore Default()
    {
        var config = Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(config)
            ? throw new ProfileException("No user configuration directory (set HOME or XDG_CONFIG_HOME) to keep profiles in.")
            : new ProfileStore(Path.Combine(config, "vnch"));
    }

    public static bool IsValidName(string name) => NamePattern().IsMatch(name);

    public ProfilesConfig Load()
    {
        if (!File.Exists(ConfigFile))
        {
            return new ProfilesConfig();
        }

        try
        {
            var config = JsonSerializer.Deserialize<ProfilesConfig>(File.ReadAllText(ConfigFile), Json) ?? new ProfilesConfig();
            return config with { Profiles = new Dictionary<string, CliProfile>(config.Profiles, StringComparer.Ordinal) };
        }
        catch (JsonException ex)
        {
            throw new ProfileException($"{ConfigFile} is not a valid profiles file: {ex.Message}", ex);
        }
    }

    public void Save(ProfilesConfig config) => WritePrivate(ConfigFile, Encoding.UTF8.GetBytes(JsonSerializer.Serialize(config, Json) + "\n"));

    /// <summary>The owner-only file holding one of a profile's secrets (<paramref name="kind"/>: dev-token, msal-cache, ...).</summary>
    public string SecretFile(string profile, string kind) => Path.Combine(TokensDirectory, $"{profile}.{kind}");

    /// <summary>Reads an owner-only file; null when missing; refused when group or others have any access.</summary>
    public byte[]? ReadPrivate(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~DataFolder.PrivateFileMode) != 0)
        {
            throw new ProfileException(
                $"Refusing to read {path}: its permissions ({Convert.ToString((int)File.GetUnixFileMode(path), 8)}) let other users read it. " +
                "Run `chmod 600` on it, or delete it and sign in again with `vnch login`.");
        }

        return File.ReadAllBytes(path);
    }

    /// <summary>Writes a file owner-only (0600) in owner-only folders (0700), atomically: a reader sees the old or the new content.</summary>
    public void WritePrivate(string path, ReadOnlySpan<byte> content)
    {
        var folder = Path.GetDirectoryName(path)!;
        EnsurePrivateFolder(Directory);
        EnsurePrivateFolder(folder);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        using (var stream = new FileStream(temporary, DataFolder.PrivateFile(FileMode.CreateNew, FileAccess.Write)))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Forgets every token and secret of a profile (logout); the profile itself stays.</summary>
    public int DeleteSecrets(string profile)
    {
        if (!System.IO.Directory.Exists(TokensDirectory))
        {
            return 0;
        }

        // Kinds have no '.', names may: profile "a" must not take "a.b.dev-token" of profile "a.b" with it.
        var files = System.IO.Directory.GetFiles(TokensDirectory, $"{profile}.*")
            .Where(f => !Path.GetFileName(f)[(profile.Length + 1)..].Contains('.', StringComparison.Ordinal))
            .ToList();
        foreach (var file in files)
        {
            File.Delete(file);
        }

        return files.Count;
    }

    private static void EnsurePrivateFolder(string path)
    {
        DataFolder.CreatePrivateFolder(path);
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~DataFolder.PrivateFolderMode) != 0)
        {
            // Our own folder, created wider by someone else's umask or tool: narrow it rather than leak into it.
            File.SetUnixFileMode(path, DataFolder.PrivateFolderMode);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();
}
