using Microsoft.Data.Sqlite;

namespace VNCH.Network.Embedded.Storage;

/// <summary>
/// The embedded database (one SQLite file in WAL mode): study documents, FHIR records, work queue and audit trail.
/// Connections are pooled by Microsoft.Data.Sqlite. Writers of this process queue on an in-process gate before they
/// take SQLite's write lock (ADR 0115); the busy timeout stays for any other process that opens the file.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    private const int SchemaVersion = 2;

    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(100);

    private readonly string connectionString;

    // SQLite's busy handler polls a held write lock with sleeps of 1 to 100 ms, so writers that contend on the lock
    // leave it idle most of the time (the profile of issue 12). Waiting here hands the lock over as soon as it is free.
    private readonly WriteGate writeGate = new();

    // Every write of this process runs on this one connection, under the gate. SQLite drops a connection's page cache
    // whenever another connection has written since its last transaction, so writes spread over pooled connections
    // read their pages back from the file each time; the one writer keeps its cache, because the only changes are its
    // own (preads per ingested instance 256 -> 133 under strace, issue 12). Reads stay on pooled connections.
    private SqliteConnection? writer;

    // WAL checkpoints run here, off every commit (ADR 0123): with SQLite's automatic checkpoint the commit that pushes
    // the WAL past 1,000 pages copies them into the database and fsyncs both files while it holds the write lock, and
    // every reader waiting for its audit record to commit waits behind it.
    private readonly Timer checkpointer;
    private int commitsSinceCheckpoint;
    private int checkpointing;

    public SqliteDatabase(DataFolder folder)
    {
        folder.EnsureCreated();
        if (!File.Exists(folder.Database))
        {
            // SQLite gives its -wal and -shm files the database file's mode: create it owner-only first.
            using (new FileStream(folder.Database, DataFolder.PrivateFile(FileMode.OpenOrCreate, FileAccess.Write)))
            {
            }
        }

        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = folder.Database,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        Migrate();
        checkpointer = new Timer(_ => CheckpointIfWritten(), null, CheckpointInterval, CheckpointInterval);
    }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>
    /// The rows of one study of one tenant: <paramref name="select"/> must filter on <c>$tenant</c> and <c>$study</c>
    /// (every per-study table is keyed by both), <paramref name="read"/> maps a row.
    /// </summary>
    public async Task<List<T>> ReadStudyRowsAsync<T>(string select, string tenant, string studyId, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = select;
        command.Parameters.AddWithValue("$tenant", tenant);
        command.Parameters.AddWithValue("$study", studyId);
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (BEGIN IMMEDIATE: takes the write lock up front);
    /// <paramref name="urgent"/> work (the audit commit reads wait on) goes in the gate's other lane (ADR 0118).
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, bool urgent = false)
    {
        await writeGate.WaitAsync(urgent, cancellationToken);
        try
        {
            writer ??= await OpenAsync(cancellationToken);
            await using var transaction = (SqliteTransaction)await writer.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellationToken);
            var result = await work(writer, transaction);
            await transaction.CommitAsync(cancellationToken);
            Interlocked.Increment(ref commitsSinceCheckpoint);
            return result;
        }
        finally
        {
            writeGate.Release();
        }
    }

    /// <summary>Commits since the last checkpoint (for tests).</summary>
    internal int CommitsSinceCheckpoint => Volatile.Read(ref commitsSinceCheckpoint);

    public void Dispose()
    {
        checkpointer.Dispose();
        writer?.Dispose();
        writer = null;
    }

    /// <summary>
    /// A passive checkpoint on a connection of its own when anything was committed since the last: it copies what no
    /// reader still needs and never takes the write lock or waits, so writers go on while it runs (and fsyncs). A
    /// failure is retried on the next tick; until then the data is safe in the WAL, which SQLite replays on open.
    /// </summary>
    private void CheckpointIfWritten()
    {
        if (Volatile.Read(ref commitsSinceCheckpoint) == 0 || Interlocked.Exchange(ref checkpointing, 1) == 1)
        {
            return;
        }

        var commits = Interlocked.Exchange(ref commitsSinceCheckpoint, 0);
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            command.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is SqliteException or InvalidOperationException or IOException)
        {
            Interlocked.Add(ref commitsSinceCheckpoint, commits);
        }
        finally
        {
            Volatile.Write(ref checkpointing, 0);
        }
    }

    private void Migrate()
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();
        command.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version >= SchemaVersion)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        command.Transaction = transaction;
        command.CommandText = (version < 1 ? Schema : "") + InstanceRecords + $"PRAGMA user_version = {SchemaVersion};";
        command.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>
    /// Version 2 (ADR 0110): each instance is a row of its own instead of an element of its study's document, which
    /// keeps only the count. Existing studies are moved over in their arrival order; the old UID index goes.
    /// </summary>
    private const string InstanceRecords = """
        CREATE TABLE IF NOT EXISTS instances (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            tenant TEXT NOT NULL,
            study_id TEXT NOT NULL,
            instance_uid TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (tenant, instance_uid)
        );
        CREATE INDEX IF NOT EXISTS instances_by_study ON instances (tenant, study_id, seq);
        INSERT OR IGNORE INTO instances (tenant, study_id, instance_uid, sha256, document)
            SELECT s.tenant, s.id, json_extract(i.value, '$.instanceUid'), json_extract(i.value, '$.sha256'), i.value
            FROM studies s, json_each(s.document, '$.instances') i
            ORDER BY s.tenant, s.id, i.key;
        UPDATE studies SET document = json_set(json_remove(document, '$.instances'),
                '$.instanceCount', json_array_length(document, '$.instances'),
                '$.firstReceivedAt', json_extract(document, '$.instances[0].receivedAt'))
            WHERE json_type(document, '$.instances') = 'array';
        DROP TABLE IF EXISTS study_instances;

        -- Keyset paging for each filter the listing offers (ADR 0110): the filter, then the page order.
        DROP INDEX IF EXISTS studies_by_status;
        CREATE INDEX IF NOT EXISTS studies_by_status ON studies (tenant, status, updated_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS studies_by_kind ON studies (tenant, kind, updated_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS studies_by_modality ON studies (tenant, modality, updated_at DESC, id DESC);

        """;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS studies (
            tenant TEXT NOT NULL,
            id TEXT NOT NULL,
            subject_key TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL,
            modality TEXT,
            updated_at INTEGER NOT NULL,
            etag TEXT NOT NULL,
            document TEXT NOT NULL,
            PRIMARY KEY (tenant, id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS studies_by_update ON studies (tenant, updated_at DESC, id DESC);

        CREATE TABLE IF NOT EXISTS fhir_records (
            tenant TEXT NOT NULL,
            study_id TEXT NOT NULL,
            resource_type TEXT NOT NULL,
            id TEXT NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (tenant, study_id, resource_type, id)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS work_queue (
            id TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'ready',
            visible_at INTEGER NOT NULL,
            dequeue_count INTEGER NOT NULL DEFAULT 0,
            receipt TEXT,
            enqueued_at INTEGER NOT NULL,
            poison_reason TEXT
        );
        CREATE INDEX IF NOT EXISTS work_queue_ready ON work_queue (state, visible_at);

        CREATE TABLE IF NOT EXISTS audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            actor TEXT NOT NULL,
            tenant TEXT,
            action TEXT NOT NULL,
            resource_type TEXT NOT NULL,
            resource_id TEXT,
            outcome TEXT NOT NULL,
            correlation_id TEXT NOT NULL,
            detail TEXT,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS audit_by_tenant ON audit (tenant, seq);
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
            BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;
        """;
}
