using Microsoft.Data.Sqlite;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Writers;

/// <summary>
/// Issue 12 (ADR 0123): every write of the process goes through one connection under the gate, and WAL checkpoints run
/// in the background instead of inside the commit that passes SQLite's threshold.
/// </summary>
public sealed class SqliteDatabaseTests
{
    [Fact]
    public async Task Commits_never_checkpoint_and_the_background_checkpoint_copies_the_whole_wal_soon_after()
    {
        using var data = new TempDirectory("vnch-sqlite");
        using var database = new SqliteDatabase(new DataFolder(data.Path));
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            Assert.Equal(0L, await ScalarAsync(connection, "PRAGMA wal_autocheckpoint"));
        }

        await database.WriteAsync((c, t) => ExecuteAsync(c, t, "CREATE TABLE scratch (body BLOB NOT NULL)"), CancellationToken.None);
        for (var i = 0; i < 40; i++)
        {
            // 40 × 100 KB: about 1,000 pages of WAL, past SQLite's automatic threshold.
            await database.WriteAsync((c, t) => ExecuteAsync(c, t, "INSERT INTO scratch VALUES (randomblob(102400))"), CancellationToken.None);
        }

        var (logFrames, checkpointed) = await WaitForCheckpointAsync(data.Path);

        Assert.True(logFrames >= 1000, $"the WAL held {logFrames} frames");
        Assert.Equal(logFrames, checkpointed);
    }

    [Fact]
    public async Task Concurrent_writers_all_land_on_the_one_connection_and_survive_a_new_instance()
    {
        using var data = new TempDirectory("vnch-sqlite");
        var folder = new DataFolder(data.Path);
        using (var database = new SqliteDatabase(folder))
        {
            await database.WriteAsync((c, t) => ExecuteAsync(c, t, "CREATE TABLE scratch (n INTEGER NOT NULL)"), CancellationToken.None);
            await Task.WhenAll(Enumerable.Range(0, 100).Select(n => Task.Run(() => database.WriteAsync(async (c, t) =>
            {
                await using var insert = c.CreateCommand();
                insert.Transaction = t;
                insert.CommandText = "INSERT INTO scratch VALUES ($n)";
                insert.Parameters.AddWithValue("$n", n);
                return await insert.ExecuteNonQueryAsync();
            }, CancellationToken.None))));
        }

        SqliteConnection.ClearAllPools();
        using var reopened = new SqliteDatabase(folder);
        await using var reader = await reopened.OpenAsync(CancellationToken.None);
        Assert.Equal(100L, await ScalarAsync(reader, "SELECT count(DISTINCT n) FROM scratch"));
    }

    private static async Task<(long Log, long Checkpointed)> WaitForCheckpointAsync(string path)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30); // the test's own bound; the checkpoint runs every 100 ms
        while (true)
        {
            var (log, done) = WalState(path);
            if ((log > 0 && log == done) || DateTime.UtcNow > deadline)
            {
                return (log, done);
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The WAL's frame count and how many of them are copied into the database, read from the wal-index (the -shm file)
    /// without touching the database: mxFrame is the u32 at byte 16 of the index header, nBackfill the u32 at byte 96
    /// (after the header's two 48-byte copies), in native byte order (SQLite's wal.c, "WAL-INDEX FORMAT").
    /// </summary>
    private static (long Log, long Checkpointed) WalState(string path)
    {
        using var shm = new FileStream(Path.Combine(path, "vnch.db-shm"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> head = stackalloc byte[100];
        shm.ReadExactly(head);
        return (BitConverter.ToUInt32(head[16..20]), BitConverter.ToUInt32(head[96..100]));
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
