using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Diagnostics;
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
    TimeProvider time,
    ILogger<InboxWatcher> logger) : BackgroundService
{
    private const string StillBeingWritten = "still open for writing";

    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>Entries that could not be taken, by path: how often, and when to look again.</summary>
    private readonly Dictionary<string, Failure> failures = new(StringComparer.Ordinal);

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
                // Inbox I/O errors name files (often medical record numbers): the log keeps the type and stack only.
                logger.LogError("Inbox scan failed; retrying at the next interval: {Exception}", Core.Features.Diagnostics.ExceptionSummary.Of(ex));
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
        var entries = Walk(folder.Inbox).Order(StringComparer.Ordinal).ToList();
        foreach (var gone in failures.Keys.Except(entries, StringComparer.Ordinal).ToList())
        {
            failures.Remove(gone);
        }

        foreach (var path in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(path);
            if (name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".part", StringComparison.OrdinalIgnoreCase))
            {
                continue; // Still being written by a client that renames when done.
            }

            if (!Settled(path) || failures.TryGetValue(path, out var failure) && failure.RetryAt > time.GetUtcNow())
            {
                continue; // Possibly still being copied in, or a bad entry waiting out its backoff.
            }

            try
            {
                if (await HandleAsync(path, Path.GetRelativePath(folder.Inbox, path), cancellationToken))
                {
                    failures.Remove(path);
                    handled++;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // One bad entry costs only itself: the scan goes on with the others.
                await RefuseAsync(path, $"cannot be read ({ex.GetType().Name})", cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A fault of ours (not a store's): logged for the operators, and it too costs only this entry.
                logger.LogError("Handling an inbox entry failed unexpectedly: {Exception}", ExceptionSummary.Of(ex));
                await RefuseAsync(path, "failed unexpectedly", cancellationToken);
            }
        }

        return handled;
    }

    /// <summary>
    /// Every entry under the inbox, descending only into real folders: a symbolic link to a folder is reported as
    /// an entry (and refused), never followed; a folder that cannot be listed costs only itself.
    /// </summary>
    private IEnumerable<string> Walk(string directory)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("An inbox folder cannot be listed ({Error}); the others are scanned", ex.GetType().Name);
            yield break;
        }

        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                foreach (var path in Walk(entry.FullName))
                {
                    yield return path;
                }
            }
            else
            {
                yield return entry.FullName;
            }
        }
    }

    private bool Settled(string path)
    {
        try
        {
            return time.GetUtcNow().UtcDateTime - File.GetLastWriteTimeUtc(path) >= options.Value.InboxSettleTime;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return true; // Let the open decide and report.
        }
    }

    private async Task<bool> HandleAsync(string path, string relative, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var segments = relative.Split(Path.DirectorySeparatorChar);
        var result = await inbox.HandleAsync(relative.Replace(Path.DirectorySeparatorChar, '/'), _ =>
            {
                var stream = segments.Length > 1 ? InboxFile.Open(path, Path.Combine(folder.Inbox, segments[0]), out refusal) : null;
                if (stream is not null && OpenWriters.AnyWriter(stream))
                {
                    // Opened first, then checked: a writer still holds this very file, so it is not complete yet.
                    stream.Dispose();
                    stream = null;
                    refusal = StillBeingWritten;
                }

                return Task.FromResult<Stream?>(stream);
            },
            $"inbox:{Guid.NewGuid():N}", cancellationToken);
        switch (result.Disposition)
        {
            case InboxDisposition.Unattributed:
                Move(path, Path.Combine(folder.Unattributed, relative));
                return true;
            case InboxDisposition.Ingested:
                Move(path, Path.Combine(folder.Processed, relative));
                return true;
            case InboxDisposition.NotReady when refusal == StillBeingWritten:
                return false; // Not a bad entry: looked at again at the next scan, without backoff or report.
            default:
                await RefuseAsync(path, refusal ?? "not readable yet", cancellationToken);
                return false;
        }
    }

    /// <summary>Skips a bad entry with a growing backoff (up to an hour), reporting it the first time only.</summary>
    private async Task RefuseAsync(string path, string reason, CancellationToken cancellationToken)
    {
        var attempts = failures.TryGetValue(path, out var previous) ? previous.Attempts + 1 : 1;
        failures[path] = new Failure(attempts, time.GetUtcNow() + TimeSpan.FromSeconds(Math.Min(3600, Math.Pow(2, attempts))));
        if (attempts == 1)
        {
            await inbox.ReportRefusedAsync(Path.GetRelativePath(folder.Inbox, path).Replace(Path.DirectorySeparatorChar, '/'), reason,
                $"inbox:{Guid.NewGuid():N}", cancellationToken);
        }
    }

    private static void Move(string from, string to)
    {
        DataFolder.CreatePrivateFolder(Path.GetDirectoryName(to)!);
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

    private sealed record Failure(int Attempts, DateTimeOffset RetryAt);
}
