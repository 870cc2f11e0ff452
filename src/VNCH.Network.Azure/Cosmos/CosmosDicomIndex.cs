using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Azure.Cosmos;

/// <summary>
/// The DICOMweb index in the <c>dicom</c> container, partitioned (tenant, Study Instance UID): a study's study,
/// series and instance items share one small logical partition, and every query carries the tenant prefix (or the
/// full key when it names one study). Items hold the matching keys as fields beside the DICOM JSON text.
/// Equality, UID lists, integers and date ranges are filtered in Cosmos SQL exactly as the SQLite adapter does in
/// SQL; wildcards, person names, time ranges, Modalities in Study and the conditions of the other levels are
/// checked with <see cref="DicomMatch.Matches"/> on the items read, so the matching rules keep one definition.
/// Counts are UID sets on the study and series items, updated If-Match: re-adding an instance (at-least-once
/// delivery, or a retry after a crash between writes) changes nothing and completes what was left half done.
/// </summary>
public sealed class CosmosDicomIndex(Container container, CosmosKeys keys, TimeProvider time) : IDicomIndex
{
    private const string StudyKind = "study";
    private const string SeriesKind = "series";
    private const string InstanceKind = "instance";
    private const int MaxUpdateAttempts = 50;

    private static long sequence;

    private Container Items => container;

    private CosmosKeys Keys => keys;

    public async Task AddAsync(DicomIndexEntry entry, CancellationToken cancellationToken)
    {
        var a = entry.Attributes;
        var tenant = entry.Tenant;
        var partitionKey = keys.Full(tenant, a.StudyInstanceUid);

        // Idempotent on (tenant, SOP Instance UID) like the SQLite index: the same instance under another study is ignored.
        var elsewhere = await CosmosJson.QueryAsync(container,
            new QueryDefinition("SELECT c.studyUid FROM c WHERE c.tenantId = @tenant AND c.kind = @kind AND c.sopUid = @sop")
                .WithParameter("@tenant", tenant.Value).WithParameter("@kind", InstanceKind).WithParameter("@sop", a.SopInstanceUid),
            keys.TenantPrefix(tenant), cancellationToken);
        if (elsewhere.Count > 0 && !elsewhere.Any(d => (string?)d["studyUid"] == a.StudyInstanceUid))
        {
            return;
        }

        var study = await GetOrCreateAsync(tenant, a.StudyInstanceUid, StudyId(a.StudyInstanceUid), () => new JsonObject
        {
            ["kind"] = StudyKind,
            ["studyId"] = entry.StudyId,
            ["sortKey"] = NextOrder(),
            ["patientName"] = a.PatientName,
            ["patientId"] = a.PatientId,
            ["accessionNumber"] = a.AccessionNumber,
            ["studyDate"] = Digits(a.StudyDate),
            ["studyTime"] = a.StudyTime,
            ["referringPhysician"] = a.ReferringPhysicianName,
            ["studyIdentifier"] = a.StudyIdentifier,
            ["attributes"] = a.Json,
            ["seriesUids"] = new JsonArray(),
            ["instanceUids"] = new JsonArray(),
            ["modalities"] = new JsonArray(),
            ["seriesCount"] = 0,
            ["instanceCount"] = 0,
        }, cancellationToken);
        var series = await GetOrCreateAsync(tenant, a.StudyInstanceUid, SeriesId(a.StudyInstanceUid, a.SeriesInstanceUid), () => new JsonObject
        {
            ["kind"] = SeriesKind,
            ["seriesUid"] = a.SeriesInstanceUid,
            ["studySortKey"] = (string)study["sortKey"]!,
            ["sortKey"] = NextOrder(),
            ["modality"] = a.Modality,
            ["seriesNumber"] = a.SeriesNumber,
            ["ppsStartDate"] = Digits(a.PerformedProcedureStepStartDate),
            ["ppsStartTime"] = a.PerformedProcedureStepStartTime,
            ["scheduledStepId"] = a.ScheduledProcedureStepId,
            ["requestedProcedureId"] = a.RequestedProcedureId,
            ["attributes"] = a.Json,
            ["instanceUids"] = new JsonArray(),
            ["instanceCount"] = 0,
        }, cancellationToken);

        var instance = new JsonObject
        {
            ["id"] = InstanceId(a.SopInstanceUid),
            ["tenantId"] = tenant.Value,
            ["studyUid"] = a.StudyInstanceUid,
            ["kind"] = InstanceKind,
            ["seriesUid"] = a.SeriesInstanceUid,
            ["sopUid"] = a.SopInstanceUid,
            ["sopClassUid"] = a.SopClassUid,
            ["instanceNumber"] = a.InstanceNumber,
            ["transferSyntax"] = a.TransferSyntaxUid,
            ["studyId"] = (string)study["studyId"]!,
            ["sha256"] = entry.Sha256,
            ["originalLength"] = entry.Length,
            ["numberOfFrames"] = a.NumberOfFrames,
            ["attributes"] = a.Json,
            ["studySortKey"] = (string)study["sortKey"]!,
            ["seriesNumber"] = series["seriesNumber"]?.DeepClone(),
            ["seriesSortKey"] = (string)series["sortKey"]!,
            ["sortKey"] = (string?)series["sortKey"] + "|" + (a.InstanceNumber ?? int.MaxValue).ToString("D10", CultureInfo.InvariantCulture) + "|" + a.SopInstanceUid,
        };
        using (var content = CosmosJson.ToStream(instance))
        using (var response = await container.CreateItemStreamAsync(content, partitionKey, cancellationToken: cancellationToken))
        {
            if (response.StatusCode != HttpStatusCode.Conflict)
            {
                CosmosJson.EnsureSuccess(response);
            }
        }

        // Counts last: a study or series is found by searches once it has an instance.
        await UpdateAsync(tenant, a.StudyInstanceUid, (string)series["id"]!, s =>
        {
            if (!AddToSet(s, "instanceUids", a.SopInstanceUid))
            {
                return false;
            }

            s["instanceCount"] = s["instanceUids"]!.AsArray().Count;
            return true;
        }, cancellationToken);
        await UpdateAsync(tenant, a.StudyInstanceUid, (string)study["id"]!, s =>
        {
            var changed = AddToSet(s, "seriesUids", a.SeriesInstanceUid);
            changed |= a.Modality is { } modality && AddToSet(s, "modalities", modality);
            changed |= AddToSet(s, "instanceUids", a.SopInstanceUid);
            s["seriesCount"] = s["seriesUids"]!.AsArray().Count;
            s["instanceCount"] = s["instanceUids"]!.AsArray().Count;
            return changed;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DicomStudyMatch>> SearchStudiesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        var search = new Search(tenant, query, DicomQueryLevel.Study, StudyKind);
        return await search.RunAsync<DicomStudyMatch>(this, "ORDER BY c.sortKey DESC", (document, _) =>
            Task.FromResult<DicomStudyMatch?>(search.MatchesInMemory(DicomQueryLevel.Study, document) ? ToStudy(document) : null), cancellationToken);
    }

    public async Task<IReadOnlyList<DicomSeriesMatch>> SearchSeriesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        var search = new Search(tenant, query, DicomQueryLevel.Series, SeriesKind);
        return await search.RunAsync<DicomSeriesMatch>(this, "ORDER BY c.studySortKey DESC, c.seriesNumber, c.sortKey", async (document, ct) =>
        {
            if (!search.MatchesInMemory(DicomQueryLevel.Series, document))
            {
                return null;
            }

            var study = await search.StudyAsync(this, (string)document["studyUid"]!, ct);
            return study is null ? null : ToSeries(document, ToStudy(study));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DicomInstanceMatch>> SearchInstancesAsync(TenantId tenant, DicomQuery query, CancellationToken cancellationToken)
    {
        var search = new Search(tenant, query, DicomQueryLevel.Instance, InstanceKind);
        return await search.RunAsync<DicomInstanceMatch>(this, "ORDER BY c.studySortKey DESC, c.seriesNumber, c.seriesSortKey, c.sortKey", async (document, ct) =>
        {
            if (!search.MatchesInMemory(DicomQueryLevel.Instance, document))
            {
                return null;
            }

            var studyUid = (string)document["studyUid"]!;
            var series = await search.SeriesAsync(this, studyUid, (string)document["seriesUid"]!, ct);
            var study = series is null ? null : await search.StudyAsync(this, studyUid, ct);
            return series is null || study is null || !Contains(series, "instanceUids", (string)document["sopUid"]!)
                ? null
                : new DicomInstanceMatch((string)document["sopUid"]!, (string)document["attributes"]!, ToSeries(series, ToStudy(study)));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<DicomStoredInstance>> GetInstancesAsync(
        TenantId tenant, string studyInstanceUid, string? seriesInstanceUid, string? sopInstanceUid, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(
            "SELECT c.studyUid, c.seriesUid, c.sopUid, c.sopClassUid, c.transferSyntax, c.studyId, c.sha256, c.originalLength, c.numberOfFrames " +
            "FROM c WHERE c.tenantId = @tenant AND c.kind = @kind AND c.studyUid = @study");
        if (seriesInstanceUid is not null)
        {
            sql.Append(" AND c.seriesUid = @series");
        }

        if (sopInstanceUid is not null)
        {
            sql.Append(" AND c.sopUid = @sop");
        }

        sql.Append(" ORDER BY c.seriesNumber, c.seriesSortKey, c.sortKey");
        var query = new QueryDefinition(sql.ToString())
            .WithParameter("@tenant", tenant.Value).WithParameter("@kind", InstanceKind).WithParameter("@study", studyInstanceUid);
        if (seriesInstanceUid is not null)
        {
            query = query.WithParameter("@series", seriesInstanceUid);
        }

        if (sopInstanceUid is not null)
        {
            query = query.WithParameter("@sop", sopInstanceUid);
        }

        var documents = await CosmosJson.QueryAsync(container, query, keys.Full(tenant, studyInstanceUid), cancellationToken);
        return [.. documents.Select(d => new DicomStoredInstance(
            (string)d["studyUid"]!, (string)d["seriesUid"]!, (string)d["sopUid"]!, (string)d["sopClassUid"]!, (string)d["transferSyntax"]!,
            (string)d["studyId"]!, (string)d["sha256"]!, (long)d["originalLength"]!, (int?)d["numberOfFrames"]))];
    }

    private static DicomStudyMatch ToStudy(JsonObject study) =>
        new((string)study["studyUid"]!, (string)study["studyId"]!, (string)study["attributes"]!, (int)study["seriesCount"]!, (int)study["instanceCount"]!,
            [.. study["modalities"]!.AsArray().Select(m => (string)m!).Order(StringComparer.Ordinal)]);

    private static DicomSeriesMatch ToSeries(JsonObject series, DicomStudyMatch study) =>
        new((string)series["seriesUid"]!, (string)series["attributes"]!, (int)series["instanceCount"]!, study);

    /// <summary>Cosmos ids may not hold '/', '\', '?' or '#'; UIDs are digits and dots.</summary>
    private static string StudyId(string study) => $"study|{study}";

    private static string SeriesId(string study, string series) => $"series|{study}|{series}";

    private static string InstanceId(string sop) => $"instance|{sop}";

    /// <summary>Newest-indexed order: sortable time, then a per-process sequence for studies indexed in the same tick.</summary>
    private string NextOrder() => $"{CosmosJson.SortableTime(time.GetUtcNow())}|{Interlocked.Increment(ref sequence):D12}";

    private static string? Digits(string? value) => value is null ? null : DicomMatch.Digits(value);

    private static bool Contains(JsonObject document, string set, string value) => document[set]!.AsArray().Any(n => (string?)n == value);

    private static bool AddToSet(JsonObject document, string set, string value)
    {
        if (Contains(document, set, value))
        {
            return false;
        }

        document[set]!.AsArray().Add(value);
        return true;
    }

    private async Task<JsonObject?> ReadAsync(TenantId tenant, string studyUid, string id, CancellationToken cancellationToken)
    {
        // A query, not a point read: cosmosdb-server answers 500 to a point read of a missing item (ADR 0052).
        var documents = await CosmosJson.QueryAsync(container,
            new QueryDefinition("SELECT * FROM c WHERE c.tenantId = @tenant AND c.studyUid = @study AND c.id = @id")
                .WithParameter("@tenant", tenant.Value).WithParameter("@study", studyUid).WithParameter("@id", id),
            keys.Full(tenant, studyUid), cancellationToken);
        return documents.Count == 0 ? null : documents[0];
    }

    private async Task<JsonObject> GetOrCreateAsync(TenantId tenant, string studyUid, string id, Func<JsonObject> create, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            if (await ReadAsync(tenant, studyUid, id, cancellationToken) is { } existing)
            {
                return existing;
            }

            var document = create();
            document["id"] = id;
            document["tenantId"] = tenant.Value;
            document["studyUid"] = studyUid;
            using var content = CosmosJson.ToStream(document);
            using var response = await container.CreateItemStreamAsync(content, keys.Full(tenant, studyUid), cancellationToken: cancellationToken);
            if (response.StatusCode != HttpStatusCode.Conflict)
            {
                CosmosJson.EnsureSuccess(response);
                return document; // a concurrent creator's item is read on the next attempt
            }
        }

        throw new InvalidOperationException($"Could not create or read index item {id} of tenant {tenant}.");
    }

    /// <summary>Read, change, replace If-Match the ETag; again when another writer got there first.</summary>
    private async Task UpdateAsync(TenantId tenant, string studyUid, string id, Func<JsonObject, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            var document = await ReadAsync(tenant, studyUid, id, cancellationToken)
                ?? throw new InvalidOperationException($"Index item {id} of tenant {tenant} disappeared.");
            var etag = (string?)document["_etag"];
            if (!change(document))
            {
                return;
            }

            using var content = CosmosJson.ToStream(document);
            using var response = await container.ReplaceItemStreamAsync(content, id, keys.Full(tenant, studyUid),
                new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken);
            if (response.StatusCode != HttpStatusCode.PreconditionFailed)
            {
                CosmosJson.EnsureSuccess(response);
                return;
            }
        }

        throw new InvalidOperationException($"Index item {id} of tenant {tenant} kept changing; gave up after {MaxUpdateAttempts} attempts.");
    }

    /// <summary>One search: the SQL filters of its level, the in-memory conditions, paging, and the study/series items it looked up.</summary>
    private sealed class Search
    {
        private readonly TenantId tenant;
        private readonly DicomQuery query;
        private readonly DicomQueryLevel level;
        private readonly string kind;
        private readonly List<DicomMatch> inMemory = [];
        private readonly Dictionary<string, JsonObject?> studies = new(StringComparer.Ordinal);
        private readonly Dictionary<string, JsonObject?> series = new(StringComparer.Ordinal);
        private readonly StringBuilder where = new();
        private readonly List<(string Name, object? Value)> parameters = [];
        private bool matchesNothing;

        public Search(TenantId tenant, DicomQuery query, DicomQueryLevel level, string kind)
        {
            this.tenant = tenant;
            this.query = query;
            this.level = level;
            this.kind = kind;
            for (var i = 0; i < query.Matches.Count; i++)
            {
                var match = query.Matches[i];
                if (match.Info.Level > level)
                {
                    throw new ArgumentException($"{match.Info.Name} cannot be matched at the {level} level.", nameof(query));
                }

                // UIDs of the study and series are on every item below them: filtered in SQL at any level.
                var onThisItem = match.Info.Level == level || match.Key is DicomIndexKey.StudyInstanceUid or DicomIndexKey.SeriesInstanceUid;
                if (!onThisItem || !TryTranslate(match, "@m" + i.ToString(CultureInfo.InvariantCulture)))
                {
                    inMemory.Add(match);
                }
            }
        }

        public async Task<IReadOnlyList<T>> RunAsync<T>(CosmosDicomIndex index, string orderBy, Func<JsonObject, CancellationToken, Task<T?>> accept, CancellationToken cancellationToken)
            where T : class
        {
            var results = new List<T>();
            if (matchesNothing || query.Limit <= 0)
            {
                return results;
            }

            var definition = new QueryDefinition($"SELECT * FROM c WHERE c.tenantId = @tenant AND c.kind = @kind{where}" +
                (level == DicomQueryLevel.Instance ? string.Empty : " AND c.instanceCount > 0") + " " + orderBy)
                .WithParameter("@tenant", tenant.Value).WithParameter("@kind", kind);
            foreach (var (name, value) in parameters)
            {
                definition = definition.WithParameter(name, value);
            }

            var skipped = 0;
            using var iterator = index.Items.GetItemQueryStreamIterator(definition, requestOptions: new QueryRequestOptions
            {
                PartitionKey = PartitionKey(index.Keys),
                MaxItemCount = Math.Clamp(query.Offset + query.Limit, 10, 1000),
                EnableOptimisticDirectExecution = true,
            });
            while (iterator.HasMoreResults)
            {
                using var response = await iterator.ReadNextAsync(cancellationToken);
                CosmosJson.EnsureSuccess(response);
                var page = await JsonNode.ParseAsync(response.Content, cancellationToken: cancellationToken);
                foreach (var node in page?["Documents"]?.AsArray() ?? [])
                {
                    if (await accept(node!.AsObject(), cancellationToken) is not { } result)
                    {
                        continue;
                    }

                    if (skipped++ < query.Offset)
                    {
                        continue;
                    }

                    results.Add(result);
                    if (results.Count == query.Limit)
                    {
                        return results;
                    }
                }
            }

            return results;
        }

        /// <summary>The conditions not filtered in SQL: those of this level on the item, the others on its study and series.</summary>
        public bool MatchesInMemory(DicomQueryLevel itemLevel, JsonObject item) =>
            inMemory.Where(m => m.Info.Level == itemLevel).All(m => Matches(m, item));

        public async Task<JsonObject?> StudyAsync(CosmosDicomIndex index, string studyUid, CancellationToken cancellationToken)
        {
            if (!studies.TryGetValue(studyUid, out var study))
            {
                study = await index.ReadAsync(tenant, studyUid, StudyId(studyUid), cancellationToken);
                studies[studyUid] = study = study is not null && (int)study["instanceCount"]! > 0
                    && inMemory.Where(m => m.Info.Level == DicomQueryLevel.Study).All(m => Matches(m, study)) ? study : null;
            }

            return study;
        }

        public async Task<JsonObject?> SeriesAsync(CosmosDicomIndex index, string studyUid, string seriesUid, CancellationToken cancellationToken)
        {
            var id = SeriesId(studyUid, seriesUid);
            if (!series.TryGetValue(id, out var found))
            {
                found = await index.ReadAsync(tenant, studyUid, id, cancellationToken);
                series[id] = found = found is not null && (int)found["instanceCount"]! > 0
                    && inMemory.Where(m => m.Info.Level == DicomQueryLevel.Series).All(m => Matches(m, found)) ? found : null;
            }

            return found;
        }

        /// <summary>One study named by the query: its full partition key; otherwise the tenant's prefix.</summary>
        private PartitionKey PartitionKey(CosmosKeys keys) =>
            query.Matches.Where(m => m.Key == DicomIndexKey.StudyInstanceUid).Select(m => m.ListValues).FirstOrDefault() is [var only]
                ? keys.Full(tenant, only)
                : keys.TenantPrefix(tenant);

        /// <summary>The SQL form of what the SQLite adapter also does in SQL; false for what is matched in memory.</summary>
        private bool TryTranslate(DicomMatch match, string p)
        {
            var field = "c." + Field(match.Key);
            switch (match.Info.Kind)
            {
                case DicomMatchKind.UidList or DicomMatchKind.CodeList when match.Key != DicomIndexKey.ModalitiesInStudy:
                    {
                        var values = match.ListValues;
                        if (values.Count == 0)
                        {
                            matchesNothing = true;
                            return true;
                        }

                        var names = values.Select((v, j) => $"{p}_{j}").ToList();
                        parameters.AddRange(names.Zip(values, (n, v) => (n, (object?)v)));
                        where.Append(" AND ").Append(field).Append(" IN (").Append(string.Join(", ", names)).Append(')');
                        return true;
                    }

                case DicomMatchKind.Integer:
                    if (!int.TryParse(match.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                    {
                        matchesNothing = true;
                        return true;
                    }

                    parameters.Add((p, n));
                    where.Append(" AND ").Append(field).Append(" = ").Append(p);
                    return true;
                case DicomMatchKind.DateRange:
                    {
                        var (from, to) = match.Range;
                        where.Append(" AND IS_STRING(").Append(field).Append(')'); // as SQL's "IS NOT NULL"
                        if (from is not null)
                        {
                            parameters.Add((p + "_from", DicomMatch.Digits(from)));
                            where.Append(" AND ").Append(field).Append(" >= ").Append(p).Append("_from");
                        }

                        if (to is not null)
                        {
                            parameters.Add((p + "_to", DicomMatch.Digits(to)));
                            where.Append(" AND ").Append(field).Append(" <= ").Append(p).Append("_to");
                        }

                        return true;
                    }

                case DicomMatchKind.Text when !match.HasWildcard:
                    parameters.Add((p, match.Value));
                    where.Append(" AND ").Append(field).Append(" = ").Append(p);
                    return true;
                default:
                    return false;
            }
        }

        private static bool Matches(DicomMatch match, JsonObject item)
        {
            if (match.Key == DicomIndexKey.ModalitiesInStudy)
            {
                return item["modalities"]!.AsArray().Any(m => match.Matches((string?)m));
            }

            var value = item[Field(match.Key)];
            return match.Matches(value is null ? null : value.GetValueKind() == System.Text.Json.JsonValueKind.Number
                ? ((long)value).ToString(CultureInfo.InvariantCulture)
                : (string?)value);
        }

        private static string Field(DicomIndexKey key) => key switch
        {
            DicomIndexKey.StudyDate => "studyDate",
            DicomIndexKey.StudyTime => "studyTime",
            DicomIndexKey.AccessionNumber => "accessionNumber",
            DicomIndexKey.ModalitiesInStudy => "modalities",
            DicomIndexKey.ReferringPhysicianName => "referringPhysician",
            DicomIndexKey.PatientName => "patientName",
            DicomIndexKey.PatientId => "patientId",
            DicomIndexKey.StudyInstanceUid => "studyUid",
            DicomIndexKey.StudyIdentifier => "studyIdentifier",
            DicomIndexKey.Modality => "modality",
            DicomIndexKey.SeriesInstanceUid => "seriesUid",
            DicomIndexKey.SeriesNumber => "seriesNumber",
            DicomIndexKey.PerformedProcedureStepStartDate => "ppsStartDate",
            DicomIndexKey.PerformedProcedureStepStartTime => "ppsStartTime",
            DicomIndexKey.ScheduledProcedureStepId => "scheduledStepId",
            DicomIndexKey.RequestedProcedureId => "requestedProcedureId",
            DicomIndexKey.SopClassUid => "sopClassUid",
            DicomIndexKey.SopInstanceUid => "sopUid",
            DicomIndexKey.InstanceNumber => "instanceNumber",
            _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
        };
    }
}
