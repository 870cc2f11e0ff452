using Microsoft.Data.Sqlite;
using System.Text.Json;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Work;

/// <summary>
/// Durable work queue in SQLite with Storage-Queue semantics: receive hides a message for the visibility timeout and
/// bumps its dequeue count; only the holder of the latest receipt can complete, release or poison it.
/// </summary>
public sealed class SqliteWorkQueue(SqliteDatabase database, TimeProvider time) : IWorkQueue
{
    private TaskCompletionSource arrival = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes when the next item is enqueued in this process (ADR 0116): an idle worker takes it at once instead of
    /// at its next poll. Read it before looking for work, so an item enqueued in between is not missed.
    /// </summary>
    public Task NextArrival => Volatile.Read(ref arrival).Task;

    public async Task EnqueueAsync(AnalyseStudy item, CancellationToken cancellationToken)
    {
        await InsertAsync(item, cancellationToken);
        Interlocked.Exchange(ref arrival, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private Task<int> InsertAsync(AnalyseStudy item, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO work_queue (id, body, visible_at, enqueued_at) VALUES ($id, $body, $now, $now)";
            command.Parameters.AddWithValue("$id", Guid.NewGuid().ToString("N"));
            command.Parameters.AddWithValue("$body", JsonSerializer.Serialize(item, StoreJson.Options));
            command.Parameters.AddWithValue("$now", now);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<WorkMessage?> ReceiveAsync(TimeSpan visibilityTimeout, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = Now();
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE work_queue SET visible_at = $until, dequeue_count = dequeue_count + 1, receipt = $receipt
                WHERE id = (SELECT id FROM work_queue WHERE state = 'ready' AND visible_at <= $now ORDER BY visible_at, enqueued_at LIMIT 1)
                RETURNING id, body, dequeue_count, receipt
                """;
            command.Parameters.AddWithValue("$now", now);
            command.Parameters.AddWithValue("$until", now + (long)visibilityTimeout.TotalMilliseconds);
            command.Parameters.AddWithValue("$receipt", Guid.NewGuid().ToString("N"));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            var item = JsonSerializer.Deserialize<AnalyseStudy>(reader.GetString(1), StoreJson.Options)
                ?? throw new InvalidDataException("Empty work item.");
            return new WorkMessage(reader.GetString(0), reader.GetString(3), reader.GetInt32(2), item);
        }, cancellationToken);

    private const string CompleteSql = "DELETE FROM work_queue WHERE id = $id AND receipt = $receipt";

    public Task CompleteAsync(WorkMessage message, CancellationToken cancellationToken) =>
        ExecuteForHolderAsync(message, CompleteSql, null, cancellationToken);

    /// <summary>As <see cref="CompleteAsync(WorkMessage, CancellationToken)"/>, within the caller's write transaction (ADR 0117).</summary>
    internal static Task<int> CompleteAsync(SqliteConnection connection, SqliteTransaction transaction, WorkMessage message, CancellationToken cancellationToken) =>
        ExecuteForHolderAsync(connection, transaction, message, CompleteSql, null, cancellationToken);

    public Task ReleaseAsync(WorkMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        ExecuteForHolderAsync(message, "UPDATE work_queue SET visible_at = $value WHERE id = $id AND receipt = $receipt",
            Now() + (long)delay.TotalMilliseconds, cancellationToken);

    public Task PoisonAsync(WorkMessage message, string reason, CancellationToken cancellationToken) =>
        ExecuteForHolderAsync(message, "UPDATE work_queue SET state = 'poison', poison_reason = $value WHERE id = $id AND receipt = $receipt",
            reason, cancellationToken);

    /// <summary>
    /// Makes every in-flight message visible now. Only at start-up of the single process that owns the data folder:
    /// whatever was received before belonged to a process that is gone.
    /// </summary>
    public Task<int> RecoverInFlightAsync(CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "UPDATE work_queue SET visible_at = $now, receipt = NULL WHERE state = 'ready' AND receipt IS NOT NULL";
            command.Parameters.AddWithValue("$now", Now());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>Poisoned messages with their reasons (operators, tests).</summary>
    public async Task<IReadOnlyList<(AnalyseStudy Item, int DequeueCount, string Reason)>> ListPoisonAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT body, dequeue_count, poison_reason FROM work_queue WHERE state = 'poison' ORDER BY enqueued_at";
        var result = new List<(AnalyseStudy, int, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add((JsonSerializer.Deserialize<AnalyseStudy>(reader.GetString(0), StoreJson.Options)!, reader.GetInt32(1), reader.GetString(2)));
        }

        return result;
    }

    /// <summary>Messages not yet completed or poisoned.</summary>
    public async Task<int> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM work_queue WHERE state = 'ready'";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private Task ExecuteForHolderAsync(WorkMessage message, string sql, object? value, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => ExecuteForHolderAsync(connection, transaction, message, sql, value, cancellationToken), cancellationToken);

    private static async Task<int> ExecuteForHolderAsync(SqliteConnection connection, SqliteTransaction transaction, WorkMessage message, string sql, object? value, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", message.Id);
        command.Parameters.AddWithValue("$receipt", message.Receipt);
        command.Parameters.AddWithValue("$value", value ?? DBNull.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
