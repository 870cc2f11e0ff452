using System.Text.Json;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Azure.Tests.Emulators;

[Collection(EmulatorCollection.Name)]
public sealed class CosmosStudyStoreTests(EmulatorFixture emulators)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
    private readonly IStudyStore store = emulators.Get<IStudyStore>();

    [Fact]
    public async Task Saves_and_reads_the_whole_study_with_an_etag()
    {
        var tenant = TestStudies.NewTenant();
        var study = TestStudies.Create(tenant, "1.2.3.1", T0);

        await store.SaveAsync(study, CancellationToken.None);

        Assert.False(string.IsNullOrEmpty(study.ETag));
        var read = await store.GetAsync(tenant, study.Id, CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal(study.ETag, read.ETag);
        Assert.Equal(Json(study), Json(read));
    }

    [Fact]
    public async Task Another_tenant_gets_nothing()
    {
        var study = TestStudies.Create(TestStudies.NewTenant(), "1.2.3.2", T0);
        await store.SaveAsync(study, CancellationToken.None);

        Assert.Null(await store.GetAsync(TestStudies.NewTenant(), study.Id, CancellationToken.None));
        Assert.Null(await store.FindInstanceAsync(TestStudies.NewTenant(), "1.2.3.2.1", CancellationToken.None));
    }

    [Fact]
    public async Task Writes_are_optimistic()
    {
        var tenant = TestStudies.NewTenant();
        var study = TestStudies.Create(tenant, "1.2.3.3", T0);
        await store.SaveAsync(study, CancellationToken.None);

        // A second creation of the same study (another delivery of the same upload) conflicts.
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(TestStudies.Create(tenant, "1.2.3.3", T0), CancellationToken.None));

        var reader1 = (await store.GetAsync(tenant, study.Id, CancellationToken.None))!;
        var reader2 = (await store.GetAsync(tenant, study.Id, CancellationToken.None))!;
        reader1.StartAnalysis(T0.AddMinutes(1));
        await store.SaveAsync(reader1, CancellationToken.None);
        reader2.Fail(T0.AddMinutes(1), new StatusReason("processing-failure", "stale writer"));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => store.SaveAsync(reader2, CancellationToken.None));

        Assert.Equal(StudyStatus.Analysing, (await store.GetAsync(tenant, study.Id, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task Concurrent_updates_all_land_through_the_retry_helper()
    {
        var tenant = TestStudies.NewTenant();
        var study = TestStudies.Create(tenant, "1.2.3.4", T0);
        await store.SaveAsync(study, CancellationToken.None);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => store.UpdateAsync(tenant, study.Id, current =>
        {
            current!.Description += $"|{i}";
            return current;
        }, CancellationToken.None)));

        var description = (await store.GetAsync(tenant, study.Id, CancellationToken.None))!.Description!;
        Assert.All(Enumerable.Range(0, 4), i => Assert.Contains($"|{i}", description, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Finds_which_study_holds_an_instance()
    {
        var tenant = TestStudies.NewTenant();
        var study = TestStudies.Create(tenant, "1.2.3.5", T0);
        var instance = TestStudies.Instance("1.2.3.5", T0);
        await store.AddInstanceAsync(tenant, study.Id, instance, CancellationToken.None);
        await store.SaveAsync(study, CancellationToken.None);

        var location = await store.FindInstanceAsync(tenant, "1.2.3.5.1", CancellationToken.None);

        Assert.Equal(new InstanceLocation(study.Id, instance.Sha256), location);
        Assert.Equal([instance], await store.ListInstancesAsync(tenant, study.Id, CancellationToken.None));
        Assert.Null(await store.FindInstanceAsync(tenant, "1.2.3.5.9", CancellationToken.None));
    }

    [Fact]
    public async Task Lists_newest_first_in_pages_that_cover_every_study_once()
    {
        var tenant = TestStudies.NewTenant();
        var studies = Enumerable.Range(0, 7).Select(i => TestStudies.Create(tenant, $"2.1.{i}", T0.AddMinutes(i % 3))).ToList();
        foreach (var study in studies)
        {
            await store.SaveAsync(study, CancellationToken.None);
        }

        await store.SaveAsync(TestStudies.Create(TestStudies.NewTenant(), "2.1.99", T0), CancellationToken.None);

        var seen = new List<Study>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.QueryAsync(tenant, new StudyQuery { PageSize = 3, ContinuationToken = token }, CancellationToken.None);
            seen.AddRange(page.Items);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        var expected = studies.OrderByDescending(s => s.UpdatedAt).ThenByDescending(s => s.Id, StringComparer.Ordinal).Select(s => s.Id);
        Assert.Equal(expected, seen.Select(s => s.Id));
    }

    [Fact]
    public async Task Filters_by_status_kind_modality_and_time()
    {
        var tenant = TestStudies.NewTenant();
        var queued = TestStudies.Create(tenant, "3.1.1", T0, StudyStatus.Queued, "CR");
        var failed = TestStudies.Create(tenant, "3.1.2", T0.AddHours(1), StudyStatus.Failed, "DX");
        var ecg = TestStudies.Create(tenant, "3.1.3", T0.AddHours(2), StudyStatus.Completed, "ECG", StudyKind.Ecg);
        foreach (var study in new[] { queued, failed, ecg })
        {
            await store.SaveAsync(study, CancellationToken.None);
        }

        async Task<string[]> Ids(StudyQuery query) => (await store.QueryAsync(tenant, query, CancellationToken.None)).Items.Select(s => s.Id).ToArray();

        Assert.Equal([failed.Id], await Ids(new StudyQuery { Status = StudyStatus.Failed }));
        Assert.Equal([ecg.Id], await Ids(new StudyQuery { Kind = StudyKind.Ecg }));
        Assert.Equal([queued.Id], await Ids(new StudyQuery { Modality = "CR" }));
        Assert.Equal([ecg.Id, failed.Id], await Ids(new StudyQuery { Since = T0.AddMinutes(30) }));
    }

    [Fact]
    public async Task Rejects_a_continuation_token_it_did_not_issue()
    {
        await Assert.ThrowsAsync<FormatException>(() => store.QueryAsync(TestStudies.NewTenant(), new StudyQuery { ContinuationToken = "bm90LWEtdG9rZW4" }, CancellationToken.None));
        await Assert.ThrowsAsync<FormatException>(() => store.QueryAsync(TestStudies.NewTenant(), new StudyQuery { ContinuationToken = "%%%" }, CancellationToken.None));
    }

    private static string Json(Study study) => JsonSerializer.Serialize(study, new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
