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

    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            string previous;
            await using (var last = connection.CreateCommand())
            {
                last.Transaction = transaction;
                last.CommandText = "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1";
                previous = await last.ExecuteScalarAsync(cancellationToken) as string ?? Genesis;
            }

            var time = record.Time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
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
            insert.Parameters.AddWithValue("$hash", Hash(previous, time, record));
            return await insert.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

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

    private static string Hash(string previous, string time, AuditRecord r)
    {
        // Unit separator between fields so no field can be shifted into its neighbour.
        var text = string.Join('\u001f', previous, time, r.Actor, r.Tenant?.Value, r.Action, r.ResourceType, r.ResourceId, r.Outcome, r.CorrelationId, r.Detail);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
