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

    public void EnsureCreated()
    {
        foreach (var folder in new[] { Root, Originals, Inbox, Processed, Unattributed, Keys })
        {
            Directory.CreateDirectory(folder);
        }
    }
}
