using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Audit;
using VNCH.Network.Embedded.Tests.Contracts;

namespace VNCH.Network.Embedded.Tests.Audit;

public sealed class SqliteAuditSinkTests : SqliteFixture
{
    private static readonly AuditRecord Record = new(DateTimeOffset.UnixEpoch, "dev:a", TenantId.Parse("hosp-a"), "study.read", "Study", "s-1", "success", "c-1");

    [Theory]
    [InlineData("UPDATE audit SET outcome = 'denied'")]
    [InlineData("DELETE FROM audit")]
    public async Task Audit_rows_cannot_be_updated_or_deleted(string sql)
    {
        var database = Database();
        await new SqliteAuditSink(database).WriteAsync(Record, CancellationToken.None);

        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var error = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
        Assert.Contains("append-only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_hash_chain_detects_a_row_edited_behind_the_triggers()
    {
        var database = Database();
        var sink = new SqliteAuditSink(database);
        for (var i = 0; i < 3; i++)
        {
            await sink.WriteAsync(Record with { CorrelationId = $"c-{i}" }, CancellationToken.None);
        }

        Assert.Null(await sink.VerifyChainAsync(CancellationToken.None));

        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER audit_no_update; UPDATE audit SET outcome = 'denied' WHERE seq = 2;";
        await command.ExecuteNonQueryAsync();

        Assert.Equal(2, await sink.VerifyChainAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_writers_each_return_after_their_own_record_is_committed_in_one_intact_chain()
    {
        var database = Database();
        var sink = new SqliteAuditSink(database);
        var committedBeforeReturn = 0;

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            await sink.WriteAsync(Record with { CorrelationId = $"c-{i}" }, CancellationToken.None);
            // A fresh connection sees the record as soon as the call returns: it was committed before, not queued.
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM audit WHERE correlation_id = $c";
            command.Parameters.AddWithValue("$c", $"c-{i}");
            if (Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) == 1)
            {
                Interlocked.Increment(ref committedBeforeReturn);
            }
        });

        Assert.Equal(200, committedBeforeReturn);
        Assert.Equal(200, (await sink.ReadAsync(Record.Tenant!.Value, null, 1000, CancellationToken.None)).Select(r => r.CorrelationId).Distinct().Count());
        Assert.Null(await sink.VerifyChainAsync(CancellationToken.None));
    }
}
