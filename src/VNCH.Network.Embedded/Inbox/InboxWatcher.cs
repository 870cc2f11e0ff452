using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Inbox;

/// <summary>
/// Plays the blob trigger: files dropped under inbox/{tenant}/... go through the same ingestion handler as HTTP,
/// then move to processed/ (same relative path). A FileSystemWatcher wakes the scan early; the periodic scan also
/// picks up files that arrived while the service was down. A crash between ingest and move only re-ingests the same
/// bytes, which the handler recognises as a duplicate.
/// </summary>
public sealed class InboxWatcher(
    DataFolder folder,
    InboxHandler inbox,
    IOptions<EmbeddedStorageOptions> options,
    ILogger<InboxWatcher> logger) : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        folder.EnsureCreated();
        using var watcher = new FileSystemWatcher(folder.Inbox) { IncludeSubdirectories = true, EnableRaisingEvents = true };
        watcher.Created += (_, _) => Wake();
        watcher.Renamed += (_, _) => Wake();
        watcher.Changed += (_, _) => Wake();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Inbox scan failed; retrying at the next interval");
            }

            try
            {
                await wake.WaitAsync(options.Value.InboxScanInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Ingests every settled file in the inbox once; returns how many were handled.</summary>
    public async Task<int> ScanOnceAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        var files = Directory.EnumerateFiles(folder.Inbox, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        foreach (var path in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var relative = Path.GetRelativePath(folder.Inbox, path);
            var name = Path.GetFileName(path);
            if (name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase))
            {
                continue; // Still being written by a client that renames when done.
            }

            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(path) < options.Value.InboxSettleTime)
            {
                continue; // Possibly still being copied in; the next scan takes it.
            }

            if (await HandleAsync(path, relative, cancellationToken))
            {
                handled++;
            }
        }

        return handled;
    }

    private async Task<bool> HandleAsync(string path, string relative, CancellationToken cancellationToken)
    {
        var result = await inbox.HandleAsync(relative.Replace(Path.DirectorySeparatorChar, '/'), _ => Task.FromResult(OpenExclusive(path)),
            $"inbox:{Guid.NewGuid():N}", cancellationToken);
        switch (result.Disposition)
        {
            case InboxDisposition.Unattributed:
                Move(path, Path.Combine(folder.Unattributed, relative));
                return true;
            case InboxDisposition.Ingested:
                Move(path, Path.Combine(folder.Processed, relative));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Exclusive open: a file still being copied in is skipped until the writer closes it.</summary>
    private static Stream? OpenExclusive(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, 81920, FileOptions.Asynchronous);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Move(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        var target = to;
        for (var n = 1; File.Exists(target); n++)
        {
            target = $"{to}.{n}";
        }

        File.Move(from, target);
    }

    private void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already awake.
            }
        }
    }
}
