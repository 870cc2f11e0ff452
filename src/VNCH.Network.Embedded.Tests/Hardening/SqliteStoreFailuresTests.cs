using Microsoft.Data.Sqlite;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Tests.Hardening;

/// <summary>Only the embedded stores' own failures are "storage unavailable, retry" (503); a bug of ours is not.</summary>
public sealed class SqliteStoreFailuresTests
{
    [Fact]
    public void Sqlite_errors_and_a_data_folder_without_write_access_are_store_failures_and_a_programming_fault_is_not()
    {
        var failures = new SqliteStoreFailures();

        Assert.True(failures.IsStoreFailure(new SqliteException("database or disk is full", 13)));
        Assert.True(failures.IsStoreFailure(new UnauthorizedAccessException("access denied")));
        Assert.False(failures.IsStoreFailure(new NullReferenceException()));
        Assert.False(failures.IsStoreFailure(new ArgumentOutOfRangeException("index")));
    }
}
