using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Server;

/// <summary>
/// One server per data folder: the work queue releases in-flight items at start-up, which is only safe when no
/// other process consumes the same queue. The OS drops the lock when the process dies, so a crash does not block
/// the restart.
/// </summary>
internal static class DataFolderLock
{
    public static FileStream Acquire(DataFolder folder)
    {
        var path = Path.Combine(folder.Root, "server.lock");
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException($"Another VNCH server is using the data folder '{folder.Root}'.", ex);
        }
    }
}
