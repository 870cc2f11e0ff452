using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.DicomWeb;

/// <summary>
/// The DICOMweb index in the embedded database: one table per level, keyed by tenant first, with the matching keys
/// as indexed columns and the attributes as DICOM JSON. Counts are kept when an instance is added, so a page of
/// studies costs the same whatever the size of the studies. Equality, lists and date ranges are plain SQL on indexed
/// columns; wildcards, person names and time ranges use <see cref="DicomMatch.Matches"/> as a SQL function, so the
/// matching rules have one definition.
/// </summary>
public sealed class SqliteDicomIndex : IDicomIndex
{
    private readonly SqliteDatabase database;
    private readonly Lazy<Task> schema;

    public SqliteDicomIndex(SqliteDatabase database)
    {
        this.database = database;
        schema = new Lazy<Task>(CreateSchemaAsync);
    }

    public async Task AddAsync(DicomIndexEntry entry, CancellationToken cancellationToken)
    {
        await schema.Value;
        var a = entry.Attributes;
        var tenant = entry.Tenant.Value;
        await database.WriteAsync(async (connection, transaction) =>
        {
            var added = await ExecuteAsync(connection, transaction, """
                INSERT INTO dicom_instances (tenant, study_uid, series_uid, instance_uid, sop_class_uid, instance_number,
                    transfer_syntax, study_id, sha256, length, number_of_frames, attributes)
                VALUES ($tenant, $study, $series, $instance, $sop_class, $instance_number, $syntax, $study_id, $sha, $length, $frames, $json)
                ON CONFLICT (tenant, instance_uid) DO NOTHING
                """, cancellationToken,
                ("$tenant", tenant), ("$study", a.StudyInstanceUid), ("$series", a.SeriesInstanceUid), ("$instance", a.SopInstanceUid),
                ("$sop_class", a.SopClassUid), ("$instance_number", a.InstanceNumber), ("$syntax", a.TransferSyntaxUid),
                ("$study_id", entry.StudyId), ("$sha", entry.Sha256), ("$length", entry.Length), ("$frames", a.NumberOfFrames), ("$json", a.Json));
            if (added == 0)
            {
                return 0; // already indexed: at-least-once delivery changes nothing
            }

            var newSeries = await ExecuteAsync(connection, transaction, """
                INSERT INTO dicom_series (tenant, study_uid, series_uid, modality, series_number, pps_start_date, pps_start_time,
                    scheduled_step_id, requested_procedure_id, instance_count, attributes)
                VALUES ($tenant, $study, $series, $modality, $series_number, $pps_date, $pps_time, $sps_id, $rp_id, 0, $json)
                ON CONFLICT (tenant, study_uid, series_uid) DO NOTHING
                """, cancellationToken,
                ("$tenant", tenant), ("$study", a.StudyInstanceUid), ("$series", a.SeriesInstanceUid), ("$modality", a.Modality),
                ("$series_number", a.SeriesNumber), ("$pps_date", Date(a.PerformedProcedureStepStartDate)), ("$pps_time", a.PerformedProcedureStepStartTime),
                ("$sps_id", a.ScheduledProcedureStepId), ("$rp_id", a.RequestedProcedureId), ("$json", a.Json));
            await ExecuteAsync(connection, transaction,
                "UPDATE dicom_series SET instance_count = instance_count + 1 WHERE tenant = $tenant AND study_uid = $study AND series_uid = $series",
                cancellationToken, ("$tenant", tenant), ("$study", a.StudyInstanceUid), ("$series", a.SeriesInstanceUid));
            await ExecuteAsync(connection, transaction, """
                INSERT INTO dicom_studies (tenant, study_uid, study_id, patient_name, patient_id, accession_number, study_date,
                    study_time, referring_physician, study_identifier, series_count, instance_count, attributes)
                VALUES ($tenant, $study, $study_id, $patient_name, $patient_id, $accession, $study_date, $study_time, $referring,
                    $study_identifier, 0, 0, $json)
                ON CONFLICT (tenant, study_uid) DO NOTHING
                """, cancellationToken,
                ("$tenant", tenant), ("$study", a.StudyInstanceUid), ("$study_id", entry.StudyId), ("$patient_name", a.PatientName),
                ("$patient_id", a.PatientId), ("$accession", a.AccessionNumber), ("$study_date", Date(a.StudyDate)), ("$study_time", a.StudyTime),
                ("$referring", a.ReferringPhysicianName), ("$study_identifier", a.StudyIdentifier), ("$json", a.Json));
            await ExecuteAsync(connection, transaction,
                "UPDATE dicom_studies SET instance_count = instance_count + 1, series_count = series_count + $new_series WHERE tenant = $tenant AND study_uid = $study",
                cancellationToken, ("$tenant", tenant), ("$study", a.StudyInstanceUid), ("$new_series", newSeries));
            return 0;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DicomStudyMatch>> SearchStudiesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        var results = new List<DicomStudyMatch>();
        await QueryAsync(tenant, query, DicomQueryLevel.Study, $"SELECT {StudyColumns} FROM dicom_studies st WHERE st.tenant = $tenant",
            "st.id DESC", reader => results.Add(ReadStudy(reader, 0)), cancellationToken);
        return results;
    }

    public async Task<IReadOnlyList<DicomSeriesMatch>> SearchSeriesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        var results = new List<DicomSeriesMatch>();
        await QueryAsync(tenant, query, DicomQueryLevel.Series,
            $"""
            SELECT {StudyColumns}, se.series_uid, se.attributes, se.instance_count
            FROM dicom_series se JOIN dicom_studies st ON st.tenant = se.tenant AND st.study_uid = se.study_uid
            WHERE se.tenant = $tenant
            """,
            "st.id DESC, se.series_number, se.id", reader => results.Add(ReadSeries(reader, ReadStudy(reader, 0))), cancellationToken);
        return results;
    }

    public async Task<IReadOnlyList<DicomInstanceMatch>> SearchInstancesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        var results = new List<DicomInstanceMatch>();
        await QueryAsync(tenant, query, DicomQueryLevel.Instance,
            $"""
            SELECT {StudyColumns}, se.series_uid, se.attributes, se.instance_count, i.instance_uid, i.attributes
            FROM dicom_instances i
            JOIN dicom_series se ON se.tenant = i.tenant AND se.study_uid = i.study_uid AND se.series_uid = i.series_uid
            JOIN dicom_studies st ON st.tenant = i.tenant AND st.study_uid = i.study_uid
            WHERE i.tenant = $tenant
            """,
            "st.id DESC, se.series_number, se.id, i.instance_number, i.id",
            reader => results.Add(new DicomInstanceMatch(reader.GetString(9), reader.GetString(10), ReadSeries(reader, ReadStudy(reader, 0)))),
            cancellationToken);
        return results;
    }

    public async Task<IReadOnlyList<DicomStoredInstance>> GetInstancesAsync(
        TenantId tenant, string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken)
    {
        await schema.Value;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT i.study_uid, i.series_uid, i.instance_uid, i.sop_class_uid, i.transfer_syntax, i.study_id, i.sha256, i.length, i.number_of_frames
            FROM dicom_instances i
            JOIN dicom_series se ON se.tenant = i.tenant AND se.study_uid = i.study_uid AND se.series_uid = i.series_uid
            WHERE i.tenant = $tenant AND i.study_uid = $study
              AND ($series IS NULL OR i.series_uid = $series) AND ($instance IS NULL OR i.instance_uid = $instance)
            ORDER BY se.series_number, se.id, i.instance_number, i.id
            """;
        Bind(command, ("$tenant", tenant.Value), ("$study", studyInstanceUid), ("$series", seriesInstanceUid), ("$instance", sopInstanceUid));
        var results = new List<DicomStoredInstance>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(new DicomStoredInstance(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), reader.GetInt64(7), reader.IsDBNull(8) ? null : reader.GetInt32(8)));
        }

        return results;
    }

    private const string StudyColumns = """
        st.study_uid, st.study_id, st.attributes, st.series_count, st.instance_count,
        (SELECT group_concat(modality, '\') FROM (SELECT DISTINCT m.modality FROM dicom_series m
            WHERE m.tenant = st.tenant AND m.study_uid = st.study_uid AND m.modality IS NOT NULL ORDER BY m.modality))
        """;

    private static DicomStudyMatch ReadStudy(SqliteDataReader reader, int at) =>
        new(reader.GetString(at), reader.GetString(at + 1), reader.GetString(at + 2), reader.GetInt32(at + 3), reader.GetInt32(at + 4),
            reader.IsDBNull(at + 5) ? [] : reader.GetString(at + 5).Split('\\'));

    private static DicomSeriesMatch ReadSeries(SqliteDataReader reader, DicomStudyMatch study) =>
        new(reader.GetString(6), reader.GetString(7), reader.GetInt32(8), study);

    /// <summary>Builds the WHERE clause from the conditions the level allows, then pages.</summary>
    private async Task QueryAsync(TenantId tenant, DicomQuery query, DicomQueryLevel level, string select, string orderBy,
        Action<SqliteDataReader> read, CancellationToken cancellationToken)
    {
        await schema.Value;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder(select);
        command.Parameters.AddWithValue("$tenant", tenant.Value);
        for (var i = 0; i < query.Matches.Count; i++)
        {
            var match = query.Matches[i];
            if (match.Info.Level > level)
            {
                throw new ArgumentException($"{match.Info.Name} cannot be matched at the {level} level.", nameof(query));
            }

            sql.Append(" AND ").Append(Condition(connection, command, match, i));
        }

        sql.Append(" ORDER BY ").Append(orderBy).Append(" LIMIT $limit OFFSET $offset");
        command.Parameters.AddWithValue("$limit", query.Limit);
        command.Parameters.AddWithValue("$offset", query.Offset);
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            read(reader);
        }
    }

    private static string Condition(SqliteConnection connection, SqliteCommand command, DicomMatch match, int index)
    {
        var column = Column(match.Key);
        var p = "$m" + index.ToString(CultureInfo.InvariantCulture);
        switch (match.Info.Kind)
        {
            case DicomMatchKind.UidList or DicomMatchKind.CodeList:
                {
                    var values = match.ListValues;
                    var names = values.Select((v, j) => $"{p}_{j}").ToList();
                    for (var j = 0; j < values.Count; j++)
                    {
                        command.Parameters.AddWithValue(names[j], values[j]);
                    }

                    var list = names.Count == 0 ? "NULL" : string.Join(", ", names);
                    return match.Key == DicomIndexKey.ModalitiesInStudy
                        ? $"EXISTS (SELECT 1 FROM dicom_series ms WHERE ms.tenant = st.tenant AND ms.study_uid = st.study_uid AND ms.modality IN ({list}))"
                        : $"{column} IN ({list})";
                }

            case DicomMatchKind.Integer:
                command.Parameters.AddWithValue(p, int.TryParse(match.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : (object)DBNull.Value);
                return $"{column} = {p}";
            case DicomMatchKind.DateRange:
                {
                    var (from, to) = match.Range;
                    command.Parameters.AddWithValue(p + "_from", from is null ? DBNull.Value : DicomMatch.Digits(from));
                    command.Parameters.AddWithValue(p + "_to", to is null ? DBNull.Value : DicomMatch.Digits(to));
                    return $"({p}_from IS NULL OR {column} >= {p}_from) AND ({p}_to IS NULL OR {column} <= {p}_to) AND {column} IS NOT NULL";
                }

            case DicomMatchKind.Text when !match.HasWildcard:
                command.Parameters.AddWithValue(p, match.Value);
                return $"{column} = {p}";
            default:
                {
                    // Wildcards, person names, time ranges: the shared rule as a SQL function on this connection.
                    var function = "vnch_match_" + index.ToString(CultureInfo.InvariantCulture);
                    connection.CreateFunction<string?, bool>(function, match.Matches, isDeterministic: true);
                    return $"{function}({column})";
                }
        }
    }

    private static string Column(DicomIndexKey key) => key switch
    {
        DicomIndexKey.StudyDate => "st.study_date",
        DicomIndexKey.StudyTime => "st.study_time",
        DicomIndexKey.AccessionNumber => "st.accession_number",
        DicomIndexKey.ModalitiesInStudy => "st.study_uid",
        DicomIndexKey.ReferringPhysicianName => "st.referring_physician",
        DicomIndexKey.PatientName => "st.patient_name",
        DicomIndexKey.PatientId => "st.patient_id",
        DicomIndexKey.StudyInstanceUid => "st.study_uid",
        DicomIndexKey.StudyIdentifier => "st.study_identifier",
        DicomIndexKey.Modality => "se.modality",
        DicomIndexKey.SeriesInstanceUid => "se.series_uid",
        DicomIndexKey.SeriesNumber => "se.series_number",
        DicomIndexKey.PerformedProcedureStepStartDate => "se.pps_start_date",
        DicomIndexKey.PerformedProcedureStepStartTime => "se.pps_start_time",
        DicomIndexKey.ScheduledProcedureStepId => "se.scheduled_step_id",
        DicomIndexKey.RequestedProcedureId => "se.requested_procedure_id",
        DicomIndexKey.SopClassUid => "i.sop_class_uid",
        DicomIndexKey.SopInstanceUid => "i.instance_uid",
        DicomIndexKey.InstanceNumber => "i.instance_number",
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static string? Date(string? value) => value is null ? null : DicomMatch.Digits(value);

    private static async Task<int> ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Bind(command, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    /// <summary>The index's own tables (created on first use, so the shared schema stays untouched).</summary>
    private async Task CreateSchemaAsync()
    {
        await database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Schema;
            await command.ExecuteNonQueryAsync();
            return 0;
        }, CancellationToken.None);
    }

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS dicom_studies (
            id INTEGER PRIMARY KEY,
            tenant TEXT NOT NULL,
            study_uid TEXT NOT NULL,
            study_id TEXT NOT NULL,
            patient_name TEXT,
            patient_id TEXT,
            accession_number TEXT,
            study_date TEXT,
            study_time TEXT,
            referring_physician TEXT,
            study_identifier TEXT,
            series_count INTEGER NOT NULL,
            instance_count INTEGER NOT NULL,
            attributes TEXT NOT NULL,
            UNIQUE (tenant, study_uid)
        );
        CREATE INDEX IF NOT EXISTS dicom_studies_by_patient ON dicom_studies (tenant, patient_id);
        CREATE INDEX IF NOT EXISTS dicom_studies_by_date ON dicom_studies (tenant, study_date);
        CREATE INDEX IF NOT EXISTS dicom_studies_by_accession ON dicom_studies (tenant, accession_number);

        CREATE TABLE IF NOT EXISTS dicom_series (
            id INTEGER PRIMARY KEY,
            tenant TEXT NOT NULL,
            study_uid TEXT NOT NULL,
            series_uid TEXT NOT NULL,
            modality TEXT,
            series_number INTEGER,
            pps_start_date TEXT,
            pps_start_time TEXT,
            scheduled_step_id TEXT,
            requested_procedure_id TEXT,
            instance_count INTEGER NOT NULL,
            attributes TEXT NOT NULL,
            UNIQUE (tenant, study_uid, series_uid)
        );
        CREATE INDEX IF NOT EXISTS dicom_series_by_modality ON dicom_series (tenant, modality, study_uid);
        CREATE INDEX IF NOT EXISTS dicom_series_by_uid ON dicom_series (tenant, series_uid);

        CREATE TABLE IF NOT EXISTS dicom_instances (
            id INTEGER PRIMARY KEY,
            tenant TEXT NOT NULL,
            study_uid TEXT NOT NULL,
            series_uid TEXT NOT NULL,
            instance_uid TEXT NOT NULL,
            sop_class_uid TEXT NOT NULL,
            instance_number INTEGER,
            transfer_syntax TEXT NOT NULL,
            study_id TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            length INTEGER NOT NULL,
            number_of_frames INTEGER,
            attributes TEXT NOT NULL,
            UNIQUE (tenant, instance_uid)
        );
        CREATE INDEX IF NOT EXISTS dicom_instances_by_series ON dicom_instances (tenant, study_uid, series_uid);
        """;
}
