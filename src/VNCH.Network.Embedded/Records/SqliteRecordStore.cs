using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Records;

public sealed class SqliteRecordStore(SqliteDatabase database) : IRecordStore
{
    public Task ReplaceForStudyAsync(TenantId tenant, string studyId, IReadOnlyList<FhirRecord> records, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await ReplaceAsync(connection, transaction, tenant, studyId, records, cancellationToken);
            return 0;
        }, cancellationToken);

    /// <summary>Replaces a study's records within the caller's write transaction.</summary>
    internal static async Task ReplaceAsync(SqliteConnection connection, SqliteTransaction transaction, TenantId tenant, string studyId, IReadOnlyList<FhirRecord> records, CancellationToken cancellationToken)
    {
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM fhir_records WHERE tenant = $tenant AND study_id = $study";
            delete.Parameters.AddWithValue("$tenant", tenant.Value);
            delete.Parameters.AddWithValue("$study", studyId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var record in records)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO fhir_records (tenant, study_id, resource_type, id, json) VALUES ($tenant, $study, $type, $id, $json)
                ON CONFLICT (tenant, study_id, resource_type, id) DO UPDATE SET json = excluded.json
                """;
            insert.Parameters.AddWithValue("$tenant", tenant.Value);
            insert.Parameters.AddWithValue("$study", studyId);
            insert.Parameters.AddWithValue("$type", record.ResourceType);
            insert.Parameters.AddWithValue("$id", record.Id);
            insert.Parameters.AddWithValue("$json", record.Json);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<FhirRecord>> GetForStudyAsync(TenantId tenant, string studyId, CancellationToken cancellationToken) =>
        FhirRecordOrder.Sort(await database.ReadStudyRowsAsync(
            "SELECT resource_type, id, json FROM fhir_records WHERE tenant = $tenant AND study_id = $study",
            tenant.Value, studyId, reader => new FhirRecord(reader.GetString(0), reader.GetString(1), studyId, reader.GetString(2)), cancellationToken));
}
