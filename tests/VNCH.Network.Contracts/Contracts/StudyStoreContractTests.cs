using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Review;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Contracts.Contracts;

/// <summary>What every <see cref="IStudyStore"/> adapter must do. Derive and supply <see cref="CreateStore"/>.</summary>
public abstract class StudyStoreContractTests
{
    protected static readonly TenantId TenantA = TenantId.Parse("contract-a");
    protected static readonly TenantId TenantB = TenantId.Parse("contract-b");
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>A fresh, empty store.</summary>
    protected abstract IStudyStore CreateStore();

    public static Study NewStudy(TenantId tenant, string id, StudyStatus status = StudyStatus.Received, DateTimeOffset? at = null, string modality = "CR")
    {
        var study = new Study
        {
            Id = id,
            Tenant = tenant,
            SubjectKey = "s01",
            Kind = StudyKind.Imaging,
            StudyInstanceUid = StableUid(id),
            Patient = new PatientReference("default", "P-12345", "NGUYEN^AN", new DateOnly(2026, 1, 1), AdministrativeSex.Female),
            InstanceCount = 1,
            Modality = modality,
            FirstReceivedAt = at ?? T0,
        };
        return study.WalkTo(status, at ?? T0);
    }

    /// <summary>The instance record <see cref="NewStudy"/> counts (UID <c>1.2.3.4.{id}</c>).</summary>
    public static StudyInstance NewInstance(string studyId, string suffix = "", DateTimeOffset? at = null, string modality = "CR") => new()
    {
        InstanceUid = $"1.2.3.4.{studyId}{suffix}",
        SeriesInstanceUid = $"1.2.3.5.{studyId}",
        ContentType = "application/dicom",
        Sha256 = new string('a', 64),
        Length = 10,
        Metadata = new InstanceMetadata(Modality: modality, SopClassUid: "1.2.840.10008.5.1.4.1.1.1"),
        ReceivedAt = at ?? T0,
        Source = "http",
    };

    /// <summary>Saves <see cref="NewStudy"/> with its one instance record, as ingestion leaves it.</summary>
    public static async Task<Study> SaveNewStudyAsync(IStudyStore store, TenantId tenant, string id, StudyStatus status = StudyStatus.Received, DateTimeOffset? at = null, string modality = "CR")
    {
        var study = NewStudy(tenant, id, status, at, modality);
        await store.AddInstanceAsync(tenant, id, NewInstance(id, at: at, modality: modality), CancellationToken.None);
        await store.SaveAsync(study, CancellationToken.None);
        return study;
    }

    /// <summary>A study UID from the id that is the same in every process and run (string.GetHashCode is randomised per process).</summary>
    private static string StableUid(string id) =>
        $"1.2.3.{BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(id)))}";

    [Fact]
    public void Test_studies_are_the_same_in_every_process()
    {
        // The first four bytes of SHA-256("s-1"); string.GetHashCode would give another UID in almost every process.
        Assert.Equal("1.2.3.1787038639", NewStudy(TenantA, "s-1").StudyInstanceUid);
    }

    [Fact]
    public async Task Saved_study_reads_back_with_an_etag_and_all_fields()
    {
        var store = CreateStore();
        var study = NewStudy(TenantA, "s-1");
        study.Analyses.Add(new AnalysisRecord(
            new AnalyserDescriptor("demo", "1.0.0", AnalyserKind.Algorithm, new string('b', 64)),
            new AnalyserResult
            {
                Findings = [new Finding { Code = new CodedConcept(CodeSystems.Loinc, "8867-4", "Heart rate"), Value = new QuantityValue(120m, "/min") }],
                Scores = new Dictionary<string, double> { ["pneumonia"] = 0.75 },
                Label = "pneumonia",
            },
            T0));
        await store.SaveAsync(study, CancellationToken.None);
        Assert.NotNull(study.ETag);

        var read = await store.GetAsync(TenantA, "s-1", CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(study.ETag, read.ETag);
        Assert.Equal(StudyStatus.Received, read.Status);
        Assert.Equal(T0, read.StatusTimes[StudyStatus.Received]);
        Assert.Equal("P-12345", read.Patient!.Id);
        Assert.Equal(new DateOnly(2026, 1, 1), read.Patient.BirthDate);
        var finding = Assert.Single(read.Analyses).Result.Findings.Single();
        Assert.Equal(new QuantityValue(120m, "/min"), finding.Value);
        Assert.Equal(0.75, read.Analyses[0].Result.Scores["pneumonia"]);
    }

    [Fact]
    public async Task Creating_an_existing_study_is_a_conflict()
    {
        var store = CreateStore();
        await store.SaveAsync(NewStudy(TenantA, "s-1"), CancellationToken.None);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(NewStudy(TenantA, "s-1"), CancellationToken.None));
    }

    [Fact]
    public async Task Replacing_with_a_stale_etag_is_a_conflict_and_keeps_the_newer_document()
    {
        var store = CreateStore();
        await store.SaveAsync(NewStudy(TenantA, "s-1"), CancellationToken.None);
        var first = (await store.GetAsync(TenantA, "s-1", CancellationToken.None))!;
        var second = (await store.GetAsync(TenantA, "s-1", CancellationToken.None))!;

        first.MarkQueued(T0.AddSeconds(1));
        await store.SaveAsync(first, CancellationToken.None);
        second.Fail(T0.AddSeconds(2), new StatusReason("processing-failure", "stale writer"));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(second, CancellationToken.None));

        Assert.Equal(StudyStatus.Queued, (await store.GetAsync(TenantA, "s-1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Another_tenant_sees_nothing()
    {
        var store = CreateStore();
        await SaveNewStudyAsync(store, TenantA, "s-1");

        Assert.Null(await store.GetAsync(TenantB, "s-1", CancellationToken.None));
        Assert.Null(await store.FindInstanceAsync(TenantB, "1.2.3.4.s-1", CancellationToken.None));
        Assert.Empty(await store.ListInstancesAsync(TenantB, "s-1", CancellationToken.None));
        Assert.Empty((await store.QueryAsync(TenantB, new StudyQuery(), CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Same_study_id_in_two_tenants_is_two_documents()
    {
        var store = CreateStore();
        await store.SaveAsync(NewStudy(TenantA, "s-1", StudyStatus.Queued), CancellationToken.None);
        await store.SaveAsync(NewStudy(TenantB, "s-1", StudyStatus.Failed), CancellationToken.None);

        Assert.Equal(StudyStatus.Queued, (await store.GetAsync(TenantA, "s-1", CancellationToken.None))!.Status);
        Assert.Equal(StudyStatus.Failed, (await store.GetAsync(TenantB, "s-1", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Instances_are_found_by_uid_with_their_content_hash()
    {
        var store = CreateStore();
        await SaveNewStudyAsync(store, TenantA, "s-1");

        var location = await store.FindInstanceAsync(TenantA, "1.2.3.4.s-1", CancellationToken.None);
        Assert.Equal(new InstanceLocation("s-1", new string('a', 64)), location);
        Assert.Null(await store.FindInstanceAsync(TenantA, "9.9.9", CancellationToken.None));
    }

    [Fact]
    public async Task Instance_records_are_added_once_per_uid_and_listed_in_arrival_order()
    {
        var store = CreateStore();
        var added = Enumerable.Range(0, 5).Select(i => NewInstance("s-1", $".{i}", T0.AddSeconds(i)) with { InstanceNumber = i }).ToList();
        foreach (var instance in added)
        {
            Assert.Null(await store.AddInstanceAsync(TenantA, "s-1", instance, CancellationToken.None));
        }

        var again = await store.AddInstanceAsync(TenantA, "s-1", added[2] with { Sha256 = new string('c', 64), ReceivedAt = T0.AddHours(1) }, CancellationToken.None);

        Assert.Equal(new HeldInstance("s-1", added[2]), again); // the first one stays, whole
        var listed = await store.ListInstancesAsync(TenantA, "s-1", CancellationToken.None);
        Assert.Equal(added, listed);
        Assert.Equal(new InstanceLocation("s-1", new string('a', 64)), await store.FindInstanceAsync(TenantA, "1.2.3.4.s-1.3", CancellationToken.None));
        Assert.Empty(await store.ListInstancesAsync(TenantA, "s-2", CancellationToken.None));
    }

    [Fact]
    public async Task Of_racing_adds_of_one_instance_exactly_one_adds_it()
    {
        var store = CreateStore();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var racing = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return await store.AddInstanceAsync(TenantA, "s-1", NewInstance("s-1") with { Sha256 = new string((char)('a' + i), 64) }, CancellationToken.None);
        })).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(racing);

        Assert.Single(results, r => r is null);
        var kept = Assert.Single(await store.ListInstancesAsync(TenantA, "s-1", CancellationToken.None));
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(kept, r!.Instance));
    }

    [Fact]
    public async Task The_study_document_does_not_grow_with_its_instances()
    {
        // ADR 0110: instance n costs what instance 1 costs because the document written per instance stays the same.
        var store = CreateStore();
        var study = await SaveNewStudyAsync(store, TenantA, "s-1");
        var sizeWithOne = System.Text.Json.JsonSerializer.Serialize(await store.GetAsync(TenantA, "s-1", CancellationToken.None)).Length;
        for (var i = 1; i < 300; i++)
        {
            var instance = NewInstance("s-1", $".{i}", T0.AddSeconds(i));
            Assert.Null(await store.AddInstanceAsync(TenantA, "s-1", instance, CancellationToken.None));
            await store.UpdateAsync(TenantA, "s-1", current =>
            {
                current!.AddInstance(instance);
                return current;
            }, CancellationToken.None);
        }

        var read = (await store.GetAsync(TenantA, "s-1", CancellationToken.None))!;
        Assert.Equal(300, read.InstanceCount);
        Assert.Equal(300, (await store.ListInstancesAsync(TenantA, "s-1", CancellationToken.None)).Count);
        Assert.InRange(System.Text.Json.JsonSerializer.Serialize(read).Length, sizeWithOne - 8, sizeWithOne + 8); // count digits and times only
    }

    [Fact]
    public async Task Query_pages_newest_first_without_gaps_or_repeats()
    {
        var store = CreateStore();
        for (var i = 0; i < 7; i++)
        {
            await store.SaveAsync(NewStudy(TenantA, $"s-{i}", at: T0.AddMinutes(i)), CancellationToken.None);
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.QueryAsync(TenantA, new StudyQuery { PageSize = 3, ContinuationToken = token }, CancellationToken.None);
            seen.AddRange(page.Items.Select(s => s.Id));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(["s-6", "s-5", "s-4", "s-3", "s-2", "s-1", "s-0"], seen);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task Query_by_version_pages_as_query_does_and_reads_only_the_wanted_documents()
    {
        var store = CreateStore();
        for (var i = 0; i < 5; i++)
        {
            await store.SaveAsync(NewStudy(TenantA, $"s-{i}", StudyStatus.Completed, T0.AddMinutes(i)), CancellationToken.None);
        }

        await store.SaveAsync(NewStudy(TenantB, "s-9", StudyStatus.Completed, T0.AddMinutes(9)), CancellationToken.None);
        var query = new StudyQuery { PageSize = 3, Status = StudyStatus.Completed };
        var full = await store.QueryAsync(TenantA, query, CancellationToken.None);
        var asked = new List<(string Id, string ETag)>();
        var versions = await store.QueryVersionsAsync(TenantA, query, (id, etag) =>
        {
            asked.Add((id, etag));
            return id == "s-3";
        }, CancellationToken.None);

        Assert.Equal(full.Items.Select(s => (s.Id, s.ETag!)), versions.Items.Select(v => (v.Id, v.ETag)));
        Assert.Equal(full.Items.Select(s => (s.Id, s.ETag!)), asked);
        Assert.Equal(full.ContinuationToken is null, versions.ContinuationToken is null);
        Assert.All(versions.Items.Where(v => v.Id != "s-3"), v => Assert.Null(v.Study));
        var wanted = Assert.Single(versions.Items, v => v.Id == "s-3").Study;
        Assert.NotNull(wanted);
        Assert.Equal(StudyStatus.Completed, wanted.Status);
        Assert.Equal(wanted.ETag, versions.Items.Single(v => v.Id == "s-3").ETag);

        // The next page through the version listing's own token; a changed study shows a new ETag.
        var next = await store.QueryVersionsAsync(TenantA, query with { ContinuationToken = versions.ContinuationToken }, (_, _) => true, CancellationToken.None);
        Assert.Equal(["s-1", "s-0"], next.Items.Select(v => v.Id));
        Assert.All(next.Items, v => Assert.Equal(v.Id, v.Study!.Id));
        var changed = (await store.GetAsync(TenantA, "s-0", CancellationToken.None))!;
        var before = changed.ETag;
        await store.SaveAsync(changed, CancellationToken.None);
        var after = await store.QueryVersionsAsync(TenantA, query with { ContinuationToken = versions.ContinuationToken }, (_, _) => false, CancellationToken.None);
        Assert.NotEqual(before, after.Items.Single(v => v.Id == "s-0").ETag);
        Assert.DoesNotContain(after.Items.Concat(versions.Items), v => v.Id == "s-9");
    }

    [Fact]
    public async Task Query_filters_by_status_modality_and_since()
    {
        var store = CreateStore();
        await store.SaveAsync(NewStudy(TenantA, "old", StudyStatus.Completed, T0), CancellationToken.None);
        await store.SaveAsync(NewStudy(TenantA, "new", StudyStatus.Completed, T0.AddHours(1), "DX"), CancellationToken.None);
        await store.SaveAsync(NewStudy(TenantA, "rej", StudyStatus.Rejected, T0.AddHours(2)), CancellationToken.None);

        var completed = await store.QueryAsync(TenantA, new StudyQuery { Status = StudyStatus.Completed }, CancellationToken.None);
        Assert.Equal(["new", "old"], completed.Items.Select(s => s.Id));
        var dx = await store.QueryAsync(TenantA, new StudyQuery { Modality = "DX" }, CancellationToken.None);
        Assert.Equal(["new"], dx.Items.Select(s => s.Id));
        var recent = await store.QueryAsync(TenantA, new StudyQuery { Since = T0.AddMinutes(30) }, CancellationToken.None);
        Assert.Equal(["rej", "new"], recent.Items.Select(s => s.Id));
    }

    [Fact]
    public async Task Of_concurrent_replacements_from_one_version_exactly_one_wins_and_none_is_merged()
    {
        // Two clinicians review the version they both read (ADR 0090): the store's conditional write must let one
        // through and refuse the others, never keep both nor lose the winner.
        var store = CreateStore();
        await store.SaveAsync(NewStudy(TenantA, "s-1", StudyStatus.Completed), CancellationToken.None);
        var copies = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => store.GetAsync(TenantA, "s-1", CancellationToken.None)));
        Assert.Single(copies.Select(c => c!.ETag).Distinct());

        var results = await Task.WhenAll(copies.Select((copy, i) => Task.Run(async () =>
        {
            copy!.Review(StudyStates.TestReview(T0.AddMinutes(i + 1), $"clinician-{i}"));
            try
            {
                await store.SaveAsync(copy, CancellationToken.None);
                return i;
            }
            catch (ConcurrencyConflictException)
            {
                return -1;
            }
        })));

        var winner = Assert.Single(results, r => r >= 0);
        var stored = (await store.GetAsync(TenantA, "s-1", CancellationToken.None))!;
        Assert.Equal(StudyStatus.Reviewed, stored.Status);
        var review = Assert.Single(stored.Reviews);
        Assert.Equal($"clinician-{winner}", review.Reviewer.Id);
        Assert.Equal(copies[winner]!.ETag, stored.ETag);
    }

    [Fact]
    public async Task Reviews_read_back_with_every_decision_and_amended_value()
    {
        var store = CreateStore();
        var study = NewStudy(TenantA, "s-1", StudyStatus.Completed);
        study.Review(StudyStates.TestReview(T0.AddMinutes(1)) with
        {
            Decision = ReviewDecision.Amend,
            Findings =
            [
                new FindingDecision("demo", "1.0.0", 0, "8867-4", new CodedConcept(CodeSystems.Loinc, "8867-4", "Heart rate"), ReviewDecision.Amend, new QuantityValue(118m, "/min")),
                new FindingDecision("demo", "1.0.0", 1, "8625-6", new CodedConcept(CodeSystems.Loinc, "8625-6", "P-R Interval"), ReviewDecision.Reject),
            ],
        });
        await store.SaveAsync(study, CancellationToken.None);

        var read = (await store.GetAsync(TenantA, "s-1", CancellationToken.None))!;
        Assert.Equal(StudyStatus.Reviewed, read.Status);
        Assert.Equal(T0.AddMinutes(1), read.StatusTimes[StudyStatus.Reviewed]);
        var review = Assert.Single(read.Reviews);
        Assert.Equal((1, "clinician-test", "Bác sĩ Thử", ReviewDecision.Amend, "test review"),
            (review.Number, review.Reviewer.Id, review.Reviewer.Name, review.Decision, review.Comment));
        Assert.Equal(new QuantityValue(118m, "/min"), review.Findings[0].AmendedValue);
        Assert.Equal(ReviewDecision.Reject, review.Findings[1].Decision);
        Assert.Null(review.Findings[1].AmendedValue);
        var reviewed = await store.QueryAsync(TenantA, new StudyQuery { Status = StudyStatus.Reviewed }, CancellationToken.None);
        Assert.Equal(["s-1"], reviewed.Items.Select(s => s.Id));
    }
}
