using System.Globalization;

namespace VNCH.Network.Embedded.Inbox;

/// <summary>
/// Whether a process still holds an opened inbox file open for writing (issue 13 item 4, ADR 0101). A settle time
/// alone proves nothing on Linux (a copy can stall longer than any settle time), so after the inbox has opened a
/// file it looks for a writer of that very file: every <c>/proc/{pid}/fd/{n}</c> that links to the same path and
/// whose <c>fdinfo</c> flags open it write-only or read-write. Processes the service cannot see (another user's,
/// without privileges) are not found: the inbox folder of a hospital is written by the service's own user or by
/// root-run transfer agents (docs/security.md). Elsewhere than Linux the settle time is the only guard.
/// </summary>
public static class OpenWriters
{
    private const int AccessModeMask = 3; // O_ACCMODE
    private const int ReadOnly = 0; // O_RDONLY

    /// <summary>True when another descriptor (of any process, this one included) has the opened file open for writing.</summary>
    public static bool AnyWriter(FileStream opened)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var ownFd = opened.SafeFileHandle.DangerousGetHandle().ToInt32();
        var target = LinkOf($"/proc/self/fd/{ownFd}");
        if (target is null)
        {
            return false;
        }

        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        foreach (var process in SafeEnumerate("/proc"))
        {
            var pid = Path.GetFileName(process);
            if (pid.Length == 0 || !pid.All(char.IsAsciiDigit))
            {
                continue;
            }

            foreach (var descriptor in SafeEnumerate(Path.Combine(process, "fd")))
            {
                var fd = Path.GetFileName(descriptor);
                if ((pid == self && fd == ownFd.ToString(CultureInfo.InvariantCulture)) || LinkOf(descriptor) != target)
                {
                    continue;
                }

                if (Flags(Path.Combine(process, "fdinfo", fd)) is { } flags && (flags & AccessModeMask) != ReadOnly)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IEnumerable<string> SafeEnumerate(string folder)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(folder).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return []; // The process ended or is not ours to see.
        }
    }

    private static string? LinkOf(string descriptor)
    {
        try
        {
            return new FileInfo(descriptor).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The octal "flags:" line of /proc/{pid}/fdinfo/{fd}.</summary>
    private static int? Flags(string fdinfo)
    {
        try
        {
            foreach (var line in File.ReadLines(fdinfo))
            {
                if (line.StartsWith("flags:", StringComparison.Ordinal))
                {
                    return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // Gone or unreadable: not known to write.
        }

        return null;
    }
}
