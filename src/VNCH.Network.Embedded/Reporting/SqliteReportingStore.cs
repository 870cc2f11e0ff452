using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Reporting;

/// <summary>
/// The reporting cube in the embedded database: one row per study contribution (JSON), and the pseudonym key in a
/// table of its own that no API reads. Its tables are created here so the reporting feature stays in one place.
/// </summary>
public sealed class SqliteReportingStore : IReportingStore
{
    private const string KeyName = "pseudonym";
    private readonly SqliteDatabase database;
    private readonly SemaphoreSlim keyGate = new(1, 1);
    private byte[]? key;

    public SqliteReportingStore(SqliteDatabase database)
    {
        this.database = database;
        using var connection = database.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS reporting_facts (
                key TEXT PRIMARY KEY,
                version INTEGER NOT NULL,
                document TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS reporting_snapshots (
                id TEXT PRIMARY KEY,
                as_of INTEGER NOT NULL,
                header TEXT NOT NULL,
                document TEXT
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS reporting_keys (
                name TEXT PRIMARY KEY,
                value BLOB NOT NULL
            ) WITHOUT ROWID;
            """;
        command.ExecuteNonQuery();
    }

    public async Task<byte[]> GetOrCreatePseudonymKeyAsync(CancellationToken cancellationToken)
    {
        if (key is not null)
        {
            return key;
        }

        await keyGate.WaitAsync(cancellationToken);
        try
        {
            key ??= await database.WriteAsync(async (connection, transaction) =>
            {
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT OR IGNORE INTO reporting_keys (name, value) VALUES ($name, $value); SELECT value FROM reporting_keys WHERE name = $name;";
                insert.Parameters.AddWithValue("$name", KeyName);
                insert.Parameters.AddWithValue("$value", RandomNumberGenerator.GetBytes(32));
                return (byte[])(await insert.ExecuteScalarAsync(cancellationToken))!;
            }, cancellationToken);
            return key;
        }
        finally
        {
            keyGate.Release();
        }
    }

    public Task UpsertAsync(StudyFact fact, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await UpsertAsync(connection, transaction, fact, cancellationToken);
            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<StudyFact>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM reporting_facts ORDER BY key";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var facts = new List<StudyFact>();
        while (await reader.ReadAsync(cancellationToken))
        {
            facts.Add(JsonSerializer.Deserialize<StudyFact>(reader.GetString(0), StoreJson.Options)!);
        }

        return facts;
    }

    public Task ReplaceAllAsync(IReadOnlyList<StudyFact> facts, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using (var clear = connection.CreateCommand())
            {
                clear.Transaction = transaction;
                clear.CommandText = "DELETE FROM reporting_facts";
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            foreach (var fact in facts)
            {
                await UpsertAsync(connection, transaction, fact, cancellationToken);
            }

            return 0;
        }, cancellationToken);

    public Task SaveSnapshotAsync(StoredSnapshot snapshot, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // The check and the insert share the writer's transaction, so two publishers cannot both follow one snapshot.
            await using (var latest = connection.CreateCommand())
            {
                latest.Transaction = transaction;
                latest.CommandText = "SELECT id FROM reporting_snapshots ORDER BY as_of DESC, id DESC LIMIT 1";
                if (await latest.ExecuteScalarAsync(cancellationToken) as string != snapshot.Header.PreviousId)
                {
                    throw new SnapshotSupersededException(snapshot.Header.PreviousId ?? "none");
                }
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE reporting_snapshots SET document = NULL WHERE document IS NOT NULL;
                INSERT OR REPLACE INTO reporting_snapshots (id, as_of, header, document) VALUES ($id, $asOf, $header, $document);
                """;
            command.Parameters.AddWithValue("$id", snapshot.Header.Id);
            command.Parameters.AddWithValue("$asOf", snapshot.Header.AsOf.UtcTicks);
            command.Parameters.AddWithValue("$header", JsonSerializer.Serialize(snapshot.Header, StoreJson.Options));
            command.Parameters.AddWithValue("$document", (object?)snapshot.Document ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return 0;
        }, cancellationToken);

    public async Task<StoredSnapshot?> LatestSnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT header, document FROM reporting_snapshots ORDER BY as_of DESC, id DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredSnapshot(JsonSerializer.Deserialize<SnapshotHeader>(reader.GetString(0), StoreJson.Options)!, reader.IsDBNull(1) ? null : reader.GetString(1))
            : null;
    }

    public async Task<IReadOnlyList<SnapshotHeader>> ListSnapshotsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT header FROM reporting_snapshots ORDER BY as_of DESC, id DESC";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var headers = new List<SnapshotHeader>();
        while (await reader.ReadAsync(cancellationToken))
        {
            headers.Add(JsonSerializer.Deserialize<SnapshotHeader>(reader.GetString(0), StoreJson.Options)!);
        }

        return headers;
    }

    /// <summary>The upsert of <see cref="UpsertAsync(StudyFact, CancellationToken)"/> within the caller's write transaction.</summary>
    internal static async Task UpsertAsync(SqliteConnection connection, SqliteTransaction transaction, StudyFact fact, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO reporting_facts (key, version, document) VALUES ($key, $version, $document)
            ON CONFLICT (key) DO UPDATE SET version = excluded.version, document = excluded.document
            WHERE excluded.version >= reporting_facts.version
            """;
        command.Parameters.AddWithValue("$key", fact.Key);
        command.Parameters.AddWithValue("$version", fact.Version.UtcTicks);
        command.Parameters.AddWithValue("$document", JsonSerializer.Serialize(fact, StoreJson.Options));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
