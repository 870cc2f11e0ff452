using Microsoft.Data.Sqlite;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Embedded.Studies;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Studies;

/// <summary>
/// ADR 0110: a database of schema version 1 (instances inside the study document) opens as version 2 with every
/// instance a row of its own, in arrival order, and the document counting them.
/// </summary>
public sealed class InstanceRecordsMigrationTests : IDisposable
{
    private readonly TempDirectory directory = new("vnch-migration");

    [Fact]
    public async Task A_version_1_database_moves_each_instance_to_its_own_row_and_keeps_the_study()
    {
        var folder = new DataFolder(directory.Path);
        folder.EnsureCreated();
        const string document = """
            {"id":"s-1","tenant":"hosp-a","subjectKey":"s07","kind":"Imaging","studyInstanceUid":"1.2.3",
             "status":"Completed","statusTimes":{"Received":"2026-11-01T08:00:00+00:00","Completed":"2026-11-01T08:05:00+00:00"},
             "instances":[
               {"instanceUid":"1.2.3.2","contentType":"application/dicom","sha256":"bb","length":20,"metadata":{"modality":"CT"},"receivedAt":"2026-11-01T08:00:00+00:00","source":"http"},
               {"instanceUid":"1.2.3.1","contentType":"application/dicom","sha256":"aa","length":10,"metadata":{"modality":"CT"},"receivedAt":"2026-11-01T08:00:01+00:00","source":"http"}],
             "modality":"CT","analyses":[],"reviews":[]}
            """;
        using (var connection = new SqliteConnection($"Data Source={folder.Database}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE studies (tenant TEXT NOT NULL, id TEXT NOT NULL, subject_key TEXT NOT NULL, kind TEXT NOT NULL,
                    status TEXT NOT NULL, modality TEXT, updated_at INTEGER NOT NULL, etag TEXT NOT NULL, document TEXT NOT NULL,
                    PRIMARY KEY (tenant, id)) WITHOUT ROWID;
                CREATE INDEX studies_by_status ON studies (tenant, status, updated_at DESC);
                CREATE TABLE study_instances (tenant TEXT NOT NULL, instance_uid TEXT NOT NULL, study_id TEXT NOT NULL,
                    sha256 TEXT NOT NULL, PRIMARY KEY (tenant, instance_uid)) WITHOUT ROWID;
                INSERT INTO studies VALUES ('hosp-a', 's-1', 's07', 'Imaging', 'Completed', 'CT', 1, 'etag-1', $document);
                INSERT INTO study_instances VALUES ('hosp-a', '1.2.3.2', 's-1', 'bb'), ('hosp-a', '1.2.3.1', 's-1', 'aa');
                PRAGMA user_version = 1;
                """;
            command.Parameters.AddWithValue("$document", document);
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var store = new SqliteStudyStore(new SqliteDatabase(folder));
        var tenant = TenantId.Parse("hosp-a");

        var study = (await store.GetAsync(tenant, "s-1", CancellationToken.None))!;
        Assert.Equal((2, "CT", StudyStatus.Completed), (study.InstanceCount, study.Modality, study.Status));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero), study.FirstReceivedAt);
        var instances = await store.ListInstancesAsync(tenant, "s-1", CancellationToken.None);
        Assert.Equal(["1.2.3.2", "1.2.3.1"], instances.Select(i => i.InstanceUid));
        Assert.Equal(20, instances[0].Length);
        Assert.Equal(new InstanceLocation("s-1", "aa"), await store.FindInstanceAsync(tenant, "1.2.3.1", CancellationToken.None));
        Assert.Equal("s-1", Assert.Single((await store.QueryAsync(tenant, new StudyQuery { Status = StudyStatus.Completed }, CancellationToken.None)).Items).Id);
    }

    public void Dispose() => directory.Dispose();
}
