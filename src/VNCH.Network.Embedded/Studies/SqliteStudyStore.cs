using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Studies;

/// <summary>Study documents as JSON rows, with a random ETag per write for optimistic concurrency.</summary>
public sealed class SqliteStudyStore(SqliteDatabase database) : IStudyStore
{
    private const int SqliteConstraint = 19;

    public async Task<Study?> GetAsync(TenantId tenant, string studyId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document, etag FROM studies WHERE tenant = $tenant AND id = $id";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$id", studyId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task SaveAsync(Study study, CancellationToken cancellationToken)
    {
        var document = JsonSerializer.Serialize(study, StoreJson.Options);
        study.ETag = await database.WriteAsync((connection, transaction) => WriteAsync(connection, transaction, study, document, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The optimistic write of <see cref="SaveAsync"/> within the caller's write transaction; the new ETag, for the
    /// caller to set once the transaction committed. Throws <see cref="ConcurrencyConflictException"/>.
    /// </summary>
    internal static async Task<string> WriteAsync(SqliteConnection connection, SqliteTransaction transaction, Study study, string document, CancellationToken cancellationToken)
    {
        var etag = Guid.NewGuid().ToString("N");
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = study.ETag is null
            ? """
              INSERT INTO studies (tenant, id, subject_key, kind, status, modality, updated_at, etag, document)
              VALUES ($tenant, $id, $subject, $kind, $status, $modality, $updated, $etag, $document)
              """
            : """
              UPDATE studies SET kind = $kind, status = $status, modality = $modality, updated_at = $updated,
                  etag = $etag, document = $document
              WHERE tenant = $tenant AND id = $id AND etag = $expected
              """;
        command.Parameters.AddWithValue("$tenant", study.Tenant.Value);
        command.Parameters.AddWithValue("$id", study.Id);
        command.Parameters.AddWithValue("$subject", study.SubjectKey);
        command.Parameters.AddWithValue("$kind", study.Kind.ToString());
        command.Parameters.AddWithValue("$status", study.Status.ToString());
        command.Parameters.AddWithValue("$modality", (object?)study.Modality ?? DBNull.Value);
        command.Parameters.AddWithValue("$updated", study.UpdatedAt.UtcTicks);
        command.Parameters.AddWithValue("$etag", etag);
        command.Parameters.AddWithValue("$document", document);
        command.Parameters.AddWithValue("$expected", (object?)study.ETag ?? DBNull.Value);
        try
        {
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                throw new ConcurrencyConflictException($"Study {study.Id} changed since it was read.");
            }
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode == SqliteConstraint)
        {
            throw new ConcurrencyConflictException($"Study {study.Id} already exists.");
        }

        return etag;
    }

    public async Task<InstanceLocation?> FindInstanceAsync(TenantId tenant, string instanceUid, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT study_id, sha256 FROM instances WHERE tenant = $tenant AND instance_uid = $uid";
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        command.Parameters.AddWithValue("$uid", instanceUid);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new InstanceLocation(reader.GetString(0), reader.GetString(1)) : null;
    }

    public async Task<HeldInstance?> AddInstanceAsync(TenantId tenant, string studyId, StudyInstance instance, CancellationToken cancellationToken)
    {
        var document = JsonSerializer.Serialize(instance, StoreJson.Options);
        return await database.WriteAsync(async (connection, transaction) =>
        {
            // The UID is unique per tenant: the insert and the look-up of the holder are one transaction.
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO instances (tenant, study_id, instance_uid, sha256, document) VALUES ($tenant, $study, $uid, $sha, $document)
                ON CONFLICT (tenant, instance_uid) DO NOTHING
                """;
            insert.Parameters.AddWithValue("$tenant", tenant.Value);
            insert.Parameters.AddWithValue("$study", studyId);
            insert.Parameters.AddWithValue("$uid", instance.InstanceUid);
            insert.Parameters.AddWithValue("$sha", instance.Sha256);
            insert.Parameters.AddWithValue("$document", document);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                return null;
            }

            await using var held = connection.CreateCommand();
            held.Transaction = transaction;
            held.CommandText = "SELECT study_id, document FROM instances WHERE tenant = $tenant AND instance_uid = $uid";
            held.Parameters.AddWithValue("$tenant", tenant.Value);
            held.Parameters.AddWithValue("$uid", instance.InstanceUid);
            await using var reader = await held.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new HeldInstance(reader.GetString(0), ReadInstance(reader.GetString(1)));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<StudyInstance>> ListInstancesAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        await database.ReadStudyRowsAsync(
            "SELECT document FROM instances WHERE tenant = $tenant AND study_id = $study ORDER BY seq",
            tenant.Value, studyId, reader => ReadInstance(reader.GetString(0)), cancellationToken);

    public async Task<StudyPage> QueryAsync(TenantId tenant, StudyQuery query, CancellationToken cancellationToken)
    {
        var (items, next) = await ReadPageAsync(tenant, query, Read, cancellationToken);
        return new StudyPage(items, next);
    }

    /// <summary>As <see cref="QueryAsync"/>; a document that is not wanted is not even converted to text (ADR 0118).</summary>
    public async Task<StudyVersionPage> QueryVersionsAsync(TenantId tenant, StudyQuery query, Func<string, string, bool> wants, CancellationToken cancellationToken)
    {
        var (items, next) = await ReadPageAsync(tenant, query, reader =>
        {
            var (id, etag) = (reader.GetString(3), reader.GetString(1));
            return new StudyVersion(id, etag, wants(id, etag) ? Read(reader) : null);
        }, cancellationToken);
        return new StudyVersionPage(items, next);
    }

    private async Task<(List<T> Items, string? Next)> ReadPageAsync<T>(TenantId tenant, StudyQuery query, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("SELECT document, etag, updated_at, id FROM studies WHERE tenant = $tenant");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        if (query.Status is { } status)
        {
            sql.Append(" AND status = $status");
            command.Parameters.AddWithValue("$status", status.ToString());
        }

        if (query.Kind is { } kind)
        {
            sql.Append(" AND kind = $kind");
            command.Parameters.AddWithValue("$kind", kind.ToString());
        }

        if (query.Modality is { } modality)
        {
            sql.Append(" AND modality = $modality");
            command.Parameters.AddWithValue("$modality", modality);
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND updated_at >= $since");
            command.Parameters.AddWithValue("$since", since.UtcTicks);
        }

        if (query.ContinuationToken is { } token)
        {
            var (ticks, id) = DecodeToken(token);
            sql.Append(" AND (updated_at < $after_ticks OR (updated_at = $after_ticks AND id < $after_id))");
            command.Parameters.AddWithValue("$after_ticks", ticks);
            command.Parameters.AddWithValue("$after_id", id);
        }

        sql.Append(" ORDER BY updated_at DESC, id DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.PageSize + 1);
        command.CommandText = sql.ToString();

        var items = new List<T>();
        string? next = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long lastTicks = 0;
        var lastId = "";
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == query.PageSize)
            {
                next = EncodeToken(lastTicks, lastId);
                break;
            }

            items.Add(read(reader));
            lastTicks = reader.GetInt64(2);
            lastId = reader.GetString(3);
        }

        return (items, next);
    }

    private static Study Read(SqliteDataReader reader)
    {
        var study = JsonSerializer.Deserialize<Study>(reader.GetString(0), StoreJson.Options)
            ?? throw new InvalidDataException("Stored study document is empty.");
        study.ETag = reader.GetString(1);
        return study;
    }

    private static StudyInstance ReadInstance(string json) =>
        JsonSerializer.Deserialize<StudyInstance>(json, StoreJson.Options) ?? throw new InvalidDataException("Stored instance record is empty.");

    private static string EncodeToken(long ticks, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ticks.ToString(CultureInfo.InvariantCulture)}|{id}"));

    /// <summary>Throws <see cref="FormatException"/> for a token this store did not issue.</summary>
    private static (long Ticks, string Id) DecodeToken(string token)
    {
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
        var separator = text.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0 || !long.TryParse(text.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            throw new FormatException("Malformed continuation token.");
        }

        return (ticks, text[(separator + 1)..]);
    }
}
