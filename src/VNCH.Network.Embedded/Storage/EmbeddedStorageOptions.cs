using System.ComponentModel.DataAnnotations;

namespace VNCH.Network.Embedded.Storage;

/// <summary>Where the embedded service keeps everything (<c>--data-path</c> or <c>VNCH_DATA_PATH</c>).</summary>
public sealed class EmbeddedStorageOptions
{
    public const string SectionName = "Embedded";
    public const string DefaultDataPath = "./.vnch";
    public const string EnvironmentVariable = "VNCH_DATA_PATH";

    [Required]
    [MinLength(1)]
    public string DataPath { get; set; } = DefaultDataPath;

    /// <summary>How often the inbox is rescanned besides file-system notifications (catches missed events).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan InboxScanInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A file is ingested only once it has not been written for this long, so a plain <c>cp</c> into the inbox is not
    /// read half-way (clients that write to a temporary name and rename are safe regardless).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan InboxSettleTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a received work item stays invisible before it is delivered again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    [Range(1, 64)]
    public int AnalysisWorkers { get; set; } = 2;
}

/// <summary>The layout of the data folder.</summary>
public sealed class DataFolder
{
    public DataFolder(string path)
    {
        Root = Path.GetFullPath(path);
    }

    public string Root { get; }

    public string Database => Path.Combine(Root, "vnch.db");

    public string Originals => Path.Combine(Root, "originals");

    /// <summary>inbox/{tenant}/... : files dropped here are ingested (the blob container in Azure).</summary>
    public string Inbox => Path.Combine(Root, "inbox");

    /// <summary>Inbox files already ingested are moved here, same relative path.</summary>
    public string Processed => Path.Combine(Root, "processed");

    /// <summary>Inbox files that could not be attributed to a tenant.</summary>
    public string Unattributed => Path.Combine(Root, "unattributed");

    public string Keys => Path.Combine(Root, "keys");

    public string TenantsFile => Path.Combine(Root, "tenants.json");

    /// <summary>
    /// Owner-only: a folder created here is 0700, a file 0600, and the root is tightened to 0700 if it was wider, so
    /// no other local user can read a database, an original or a processed file (issue 13 item 9). A hospital writer
    /// that runs as another user is given its own inbox folder with an ACL (docs/security.md).
    /// </summary>
    public const UnixFileMode PrivateFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public void EnsureCreated()
    {
        foreach (var folder in new[] { Root, Originals, Inbox, Processed, Unattributed, Keys })
        {
            CreatePrivateFolder(folder);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(Root) & ~PrivateFolderMode) != 0)
        {
            File.SetUnixFileMode(Root, PrivateFolderMode);
        }
    }

    /// <summary>Creates a folder (and its missing parents) readable by the owner only.</summary>
    public static void CreatePrivateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else if (!Directory.Exists(path))
        {
            // CreateDirectory(path, mode) gives missing parents the default mode: create each level ourselves.
            var parent = Path.GetDirectoryName(Path.GetFullPath(path));
            if (parent is not null)
            {
                CreatePrivateFolder(parent);
            }

            Directory.CreateDirectory(path, PrivateFolderMode);
        }
    }

    /// <summary>Options for a new file readable by the owner only.</summary>
    public static FileStreamOptions PrivateFile(FileMode mode, FileAccess access, FileOptions options = FileOptions.None, int bufferSize = 4096)
    {
        var streamOptions = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None, Options = options, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            streamOptions.UnixCreateMode = PrivateFileMode;
        }

        return streamOptions;
    }
}
