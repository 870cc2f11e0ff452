using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.Ingestion;

namespace VNCH.Network.Embedded.Storage;

/// <summary>The embedded stores' own failures: SQLite's (busy, full, I/O) and a data folder the process may not write.</summary>
public sealed class SqliteStoreFailures : IStoreFailureClassifier
{
    public bool IsStoreFailure(Exception exception) => exception is SqliteException or UnauthorizedAccessException;
}
