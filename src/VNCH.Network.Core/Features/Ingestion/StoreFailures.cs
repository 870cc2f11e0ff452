namespace VNCH.Network.Core.Features.Ingestion;

/// <summary>
/// A store could not do its work (full, unavailable, timed out): the caller may retry later. Adapters and fakes throw
/// it for failures that are not already one of their SDK's own failure types (see <see cref="IStoreFailureClassifier"/>).
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>
/// Tells a store's own failure from anything else. Each adapter family registers one for its SDK's failure types
/// (SQLite, Azure Storage, Cosmos DB); Core cannot name those types.
/// </summary>
public interface IStoreFailureClassifier
{
    bool IsStoreFailure(Exception exception);
}

/// <summary>
/// The one rule for "storage is full or unavailable, retry" (503 <c>storage-unavailable</c> at the API): a
/// <see cref="StoreUnavailableException"/>, an I/O failure (disk full, a file system error, a broken upload stream),
/// a timeout, or what a registered adapter classifier recognises. Anything else is a fault of ours and must surface
/// as one (500 with a correlation id), never as "storage down, retry".
/// </summary>
public static class StoreFailures
{
    public static bool IsStoreFailure(Exception exception, IEnumerable<IStoreFailureClassifier> classifiers) =>
        exception is StoreUnavailableException or IOException or TimeoutException
        || classifiers.Any(c => c.IsStoreFailure(exception));
}
