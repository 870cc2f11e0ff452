using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Audit;

/// <summary>
/// Append-only audit table: triggers refuse UPDATE and DELETE, and each row carries SHA-256(previous hash + row) so
/// an edit made behind SQLite's back (triggers dropped, file patched) breaks the chain.
/// </summary>
public sealed class SqliteAuditSink(SqliteDatabase database) : IAuditSink
{
    private const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    // Group commit (ADR 0115): records that arrive while a batch is being written go into the next one, one transaction
    // for all of them; every caller still returns only once its own record is committed.
    private readonly ConcurrentQueue<Pending> pending = new();
    private readonly SemaphoreSlim flushGate = new(1, 1);

    public async Task WriteAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var entry = new Pending(record);
        pending.Enqueue(entry);
        // Not cancellable: a record once queued is written (an access aborted half-way is still audited).
        await flushGate.WaitAsync(CancellationToken.None);
        try
        {
            if (!entry.Committed.Task.IsCompleted)
            {
                await FlushAsync();
            }
        }
        finally
        {
            flushGate.Release();
        }

        await entry.Committed.Task;
    }

    /// <summary>Writes every queued record in one transaction, chained in queue order, and tells their callers.</summary>
    private async Task FlushAsync()
    {
        var batch = new List<Pending>();
        while (pending.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                var previous = await LastHashAsync(connection, transaction);
                foreach (var record in batch.Select(p => p.Record))
                {
                    previous = await InsertAsync(connection, transaction, record, previous);
                }

                return 0;
            }, CancellationToken.None, urgent: true);
        }
        catch (Exception ex)
        {
            batch.ForEach(p => p.Committed.TrySetException(ex));
            return;
        }

        batch.ForEach(p => p.Committed.TrySetResult());
    }

    /// <summary>
    /// Appends one record within the caller's write transaction (a unit of work that commits its audit record with the
    /// data it audits, ADR 0117). The write gate orders it with the group commits, so the chain stays one chain.
    /// </summary>
    internal static async Task AppendAsync(SqliteConnection connection, SqliteTransaction transaction, AuditRecord record) =>
        await InsertAsync(connection, transaction, record, await LastHashAsync(connection, transaction));

    private static async Task<string> LastHashAsync(SqliteConnection connection, SqliteTransaction transaction)
    {
        await using var last = connection.CreateCommand();
        last.Transaction = transaction;
        last.CommandText = "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1";
        return await last.ExecuteScalarAsync(CancellationToken.None) as string ?? Genesis;
    }

    /// <summary>Appends one record after <paramref name="previous"/>; its hash.</summary>
    private static async Task<string> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, AuditRecord record, string previous)
    {
        var time = record.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var hash = Hash(previous, time, record);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO audit (time, actor, tenant, action, resource_type, resource_id, outcome, correlation_id, detail, previous_hash, hash)
            VALUES ($time, $actor, $tenant, $action, $type, $id, $outcome, $correlation, $detail, $previous, $hash)
            """;
        insert.Parameters.AddWithValue("$time", time);
        insert.Parameters.AddWithValue("$actor", record.Actor);
        insert.Parameters.AddWithValue("$tenant", (object?)record.Tenant?.Value ?? DBNull.Value);
        insert.Parameters.AddWithValue("$action", record.Action);
        insert.Parameters.AddWithValue("$type", record.ResourceType);
        insert.Parameters.AddWithValue("$id", (object?)record.ResourceId ?? DBNull.Value);
        insert.Parameters.AddWithValue("$outcome", record.Outcome);
        insert.Parameters.AddWithValue("$correlation", record.CorrelationId);
        insert.Parameters.AddWithValue("$detail", (object?)record.Detail ?? DBNull.Value);
        insert.Parameters.AddWithValue("$previous", previous);
        insert.Parameters.AddWithValue("$hash", hash);
        await insert.ExecuteNonQueryAsync(CancellationToken.None);
        return hash;
    }

    public async Task<IReadOnlyList<AuditRecord>> ReadAsync(TenantId tenant, DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT time, actor, tenant, action, resource_type, resource_id, outcome, correlation_id, detail FROM audit
            WHERE tenant = $tenant AND time >= $since ORDER BY seq LIMIT $limit
            """;
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$since", (since ?? DateTimeOffset.MinValue).UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$limit", limit);
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    /// <summary>Recomputes the hash chain; returns the sequence number of the first broken row, or null when intact.</summary>
    public async Task<long?> VerifyChainAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT time, actor, tenant, action, resource_type, resource_id, outcome, correlation_id, detail, previous_hash, hash, seq
            FROM audit ORDER BY seq
            """;
        var previous = Genesis;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var record = ReadRecord(reader);
            if (reader.GetString(9) != previous || reader.GetString(10) != Hash(previous, reader.GetString(0), record))
            {
                return reader.GetInt64(11);
            }

            previous = reader.GetString(10);
        }

        return null;
    }

    private static AuditRecord ReadRecord(SqliteDataReader reader) =>
        new(
            DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
            reader.GetString(1),
            reader.IsDBNull(2) ? null : TenantId.Parse(reader.GetString(2)),
            reader.GetString(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetString(5),
            reader.GetString(6),
            reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8));

    private sealed record Pending(AuditRecord Record)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static string Hash(string previous, string time, AuditRecord r)
    {
        // Unit separator between fields so no field can be shifted into its neighbour.
        var text = string.Join('\u001f', previous, time, r.Actor, r.Tenant?.Value, r.Action, r.ResourceType, r.ResourceId, r.Outcome, r.CorrelationId, r.Detail);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
