using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VNCH.Network.Embedded.Inbox;

/// <summary>
/// Opens an inbox entry so that only a regular file physically inside its hospital's folder is ever read: the file is
/// opened first (without following a final symbolic link, without blocking on a FIFO) and then what was opened is
/// checked — its type, its link count and its real path — so swapping the entry between a check and the open cannot
/// smuggle in another hospital's file (ADR 0007).
/// </summary>
public static class InboxFile
{
    /// <summary>Opens <paramref name="path"/> if it is a regular, singly linked file under <paramref name="allowedRoot"/>.</summary>
    /// <param name="allowedRoot">The hospital's inbox folder; its own real path is resolved here.</param>
    /// <param name="refusal">Why the entry is not a file the inbox may take; null when opened.</param>
    public static FileStream? Open(string path, string allowedRoot, out string? refusal)
    {
        if (!OperatingSystem.IsLinux())
        {
            return OpenPortable(path, out refusal);
        }

        var fd = Native.open(path, Native.OpenFlags, 0);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            refusal = errno switch
            {
                Native.ELOOP => "a symbolic link",
                Native.ENXIO => "a socket", // open(2) of a UNIX socket fails with ENXIO
                _ => $"cannot be opened (errno {errno})",
            };
            return null;
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            if (Native.statx(fd, "", Native.AT_EMPTY_PATH, Native.STATX_TYPE | Native.STATX_NLINK, out var status) != 0)
            {
                refusal = $"cannot be examined (errno {Marshal.GetLastPInvokeError()})";
                return Refuse(handle);
            }

            var type = status.Mode & Native.S_IFMT;
            if (type != Native.S_IFREG)
            {
                refusal = type switch
                {
                    Native.S_IFIFO => "a FIFO",
                    Native.S_IFSOCK => "a socket",
                    Native.S_IFCHR or Native.S_IFBLK => "a device",
                    Native.S_IFDIR => "a directory",
                    _ => "not a regular file",
                };
                return Refuse(handle);
            }

            if (status.LinkCount != 1)
            {
                refusal = "a hard link to a file elsewhere";
                return Refuse(handle);
            }

            var opened = new FileInfo($"/proc/self/fd/{fd}").LinkTarget;
            var root = RealPath(allowedRoot);
            if (opened is null || root is null || !opened.StartsWith(root + "/", StringComparison.Ordinal))
            {
                refusal = "outside the hospital's inbox folder (reached through a symbolic link)";
                return Refuse(handle);
            }

            refusal = null;
            return new FileStream(handle, FileAccess.Read, 81920);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>The physical path of a folder (every symbolic link resolved), or null when it does not exist.</summary>
    public static string? RealPath(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return Path.GetFullPath(path);
        }

        var buffer = new byte[4097];
        return Native.realpath(path, buffer) == IntPtr.Zero
            ? null
            : System.Text.Encoding.UTF8.GetString(buffer, 0, Array.IndexOf(buffer, (byte)0));
    }

    private static FileStream? Refuse(SafeFileHandle handle)
    {
        handle.Dispose();
        return null;
    }

    /// <summary>Elsewhere (developer machines), the managed checks: no link, and a plain open.</summary>
    private static FileStream? OpenPortable(string path, out string? refusal)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            refusal = "a symbolic link";
            return null;
        }

        refusal = null;
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920);
    }

    private static class Native
    {
        public const int ENXIO = 6;
        public const int ELOOP = 40;
        public const int AT_EMPTY_PATH = 0x1000;
        public const uint STATX_TYPE = 0x1;
        public const uint STATX_NLINK = 0x4;
        public const ushort S_IFMT = 0xF000;
        public const ushort S_IFREG = 0x8000;
        public const ushort S_IFDIR = 0x4000;
        public const ushort S_IFIFO = 0x1000;
        public const ushort S_IFSOCK = 0xC000;
        public const ushort S_IFCHR = 0x2000;
        public const ushort S_IFBLK = 0x6000;

        private const int O_RDONLY = 0;
        private const int O_NONBLOCK = 0x800;
        private const int O_CLOEXEC = 0x80000;

        /// <summary>O_NOFOLLOW differs between the Linux ABIs.</summary>
        public static int OpenFlags { get; } = O_RDONLY | O_NONBLOCK | O_CLOEXEC |
            (RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000);

        [DllImport("libc", SetLastError = true)]
        public static extern int open(string path, int flags, int mode);

        [DllImport("libc", SetLastError = true)]
        public static extern int statx(int dirfd, string path, int flags, uint mask, out Statx buffer);

        [DllImport("libc", SetLastError = true)]
        public static extern IntPtr realpath(string path, byte[] resolved);
    }

    /// <summary>struct statx: the same layout on every Linux architecture (that is why it is used here).</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct Statx
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint LinkCount;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
    }
}
