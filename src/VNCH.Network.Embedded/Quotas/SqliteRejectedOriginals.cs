using System.Globalization;
using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.Quotas;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Quotas;

/// <summary>
/// Rejected documents' originals listed in the embedded database (own table, created on first use) and evicted
/// from the original files. An eviction deletes the entry and the file in one transaction: if the file cannot be
/// deleted the entry stays and the next enforcement tries again; an entry already forgotten (the bytes were since
/// accepted) deletes nothing.
/// </summary>
public sealed class SqliteRejectedOriginals(SqliteDatabase database, DataFolder folder) : IRejectedOriginals
{
    private const string Table = """
        CREATE TABLE IF NOT EXISTS rejected_originals (
            tenant TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            study_id TEXT NOT NULL,
            length INTEGER NOT NULL,
            rejected_at TEXT NOT NULL,
            PRIMARY KEY (tenant, sha256)
        );
        CREATE INDEX IF NOT EXISTS rejected_originals_age ON rejected_originals (tenant, rejected_at);
        """;

    private readonly FileOriginalStore files = new(folder);
    private readonly SemaphoreSlim created = new(1, 1);
    private bool ready;

    public async Task AddAsync(TenantId tenant, RejectedOriginal rejected, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction,
                "INSERT OR IGNORE INTO rejected_originals (tenant, sha256, study_id, length, rejected_at) VALUES ($tenant, $sha, $study, $length, $at)",
                tenant, rejected.Sha256);
            command.Parameters.AddWithValue("$study", rejected.StudyId);
            command.Parameters.AddWithValue("$length", rejected.Length);
            command.Parameters.AddWithValue("$at", rejected.RejectedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<RejectedOriginal>> ListOldestFirstAsync(TenantId tenant, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT study_id, sha256, length, rejected_at FROM rejected_originals WHERE tenant = $tenant ORDER BY rejected_at, sha256";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<RejectedOriginal>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new RejectedOriginal(reader.GetString(0), reader.GetString(1), reader.GetInt64(2),
                DateTimeOffset.Parse(reader.GetString(3), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)));
        }

        return list;
    }

    public async Task EvictAsync(TenantId tenant, string sha256, CancellationToken cancellationToken)
    {
        var path = files.PathOf(tenant, sha256); // validates the hash: nothing outside the tenant's originals is deleted
        await EnsureTableAsync(cancellationToken);
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM rejected_originals WHERE tenant = $tenant AND sha256 = $sha", tenant, sha256);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                File.Delete(path);
            }

            return 0;
        }, cancellationToken);
    }

    public async Task ForgetAsync(TenantId tenant, string sha256, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(cancellationToken);
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "DELETE FROM rejected_originals WHERE tenant = $tenant AND sha256 = $sha", tenant, sha256);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, TenantId tenant, string sha256)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$sha", sha256);
        return command;
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref ready))
        {
            return;
        }

        await created.WaitAsync(cancellationToken);
        try
        {
            if (!ready)
            {
                await database.WriteAsync(async (connection, transaction) =>
                {
                    await using var command = connection.CreateCommand();
                    command.Transaction = transaction;
                    command.CommandText = Table;
                    return await command.ExecuteNonQueryAsync(cancellationToken);
                }, cancellationToken);
                Volatile.Write(ref ready, true);
            }
        }
        finally
        {
            created.Release();
        }
    }
}
