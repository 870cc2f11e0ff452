using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VNCH.Network.Embedded.Storage;

/// <summary>
/// At start, removes what a crash left in the originals' staging folders (<c>originals/{tenant}/.staging</c>):
/// uploads that were being received when the process died and were never acknowledged (issue 13 item 7). The
/// data-folder lock guarantees no other instance is writing there. Counted in the log.
/// </summary>
public sealed class StagingCleanup(DataFolder folder, ILogger<StagingCleanup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (files, bytes) = RemoveLeftovers();
        if (files > 0)
        {
            logger.LogWarning("Removed {Files} leftover staging file(s) ({Bytes} bytes) from an earlier run", files, bytes);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Deletes every file under every tenant's staging folder; returns how many and their size.</summary>
    public (int Files, long Bytes) RemoveLeftovers()
    {
        if (!Directory.Exists(folder.Originals))
        {
            return (0, 0);
        }

        var files = 0;
        long bytes = 0;
        foreach (var tenant in Directory.EnumerateDirectories(folder.Originals))
        {
            var staging = Path.Combine(tenant, FileOriginalStore.StagingFolderName);
            if (!Directory.Exists(staging))
            {
                continue;
            }

            foreach (var file in new DirectoryInfo(staging).EnumerateFiles())
            {
                bytes += file.Length;
                file.Delete();
                files++;
            }
        }

        return (files, bytes);
    }
}
