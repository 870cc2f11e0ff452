using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Azure.Storage;
using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Analysis;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Functions;
using VNCH.Network.Functions.Analysis;
using VNCH.Network.Functions.Housekeeping;
using VNCH.Network.Functions.Http;
using VNCH.Network.Functions.Ingestion;

namespace VNCH.Network.Azure.Tests.Functions;

/// <summary>
/// The triggers, built from the same container the host builds (<see cref="FunctionsAppServices"/>) with the storage
/// ports swapped for the in-memory fakes: each trigger binds, calls its handler and maps the result, nothing more.
/// </summary>
public sealed class FunctionsAppTests
{
    private static readonly Tenant Hospital = new()
    {
        Id = TenantId.Parse("vnch-children-1"),
        Name = "Children's Hospital 1",
        Mappings = [TenantMapping.EntraAppRole(Directory, "Hospital.vnch-children-1")],
    };

    private const string Directory = "11111111-2222-3333-4444-555555555555";

    private readonly InMemoryStudyStore studies = new();
    private readonly FakeInboxBlobs inboxBlobs = new();
    private readonly InMemoryOriginalStore originals = new();
    private readonly InMemoryAuditSink audit = new();
    private readonly InMemoryWorkQueue queue = new(TimeProvider.System);
    private readonly InMemoryDicomIndex dicomIndex = new();
    private readonly ServiceProvider services;

    public FunctionsAppTests()
    {
        services = BuildServices();
    }

    private ServiceProvider BuildServices(IAnalyser? analyser = null)
    {
        var configuration = ProductionConfiguration();
        var collection = new ServiceCollection().AddLogging().AddSingleton(configuration);
        collection.AddVnchFunctionsApp(configuration);
        collection.AddSingleton<IStudyStore>(studies);
        collection.AddSingleton<IOriginalStore>(originals);
        collection.AddSingleton<Core.Features.Quotas.IStorageUsage>(originals); // the quota measures the same in-memory originals
        collection.AddSingleton<IAuditSink>(audit);
        collection.AddSingleton<IWorkQueue>(queue);
        collection.AddSingleton<IEventPublisher>(new RecordingEventPublisher());
        collection.AddSingleton<Core.Features.Records.IRecordStore>(new InMemoryRecordStore());
        collection.AddSingleton<ITenantDirectory>(new InMemoryTenantDirectory(Hospital));
        collection.AddSingleton<IDicomIndex>(dicomIndex);
        collection.AddSingleton<IInboxBlobs>(inboxBlobs).AddTransient<InboxEventFunction>().AddTransient<AnalyseQueueFunctions>().AddTransient<RequeueStalledFunction>();
        if (analyser is not null)
        {
            collection.AddSingleton(analyser);
        }

        return collection.BuildServiceProvider();
    }

    /// <summary>What Bicep sets in Azure: endpoints and Entra settings only.</summary>
    public static IConfiguration ProductionConfiguration() => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Vnch:Azure:BlobServiceUri"] = "https://stx.blob.core.windows.net/",
        ["Vnch:Azure:QueueServiceUri"] = "https://stx.queue.core.windows.net/",
        ["Vnch:Azure:CosmosEndpoint"] = "https://cosmos-x.documents.azure.com:443/",
        ["Vnch:Azure:ServiceBusNamespace"] = "sb-x.servicebus.windows.net",
        ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
        ["AzureAd:TenantId"] = "7f6c1e4e-8d2b-4c59-9f3a-0d5b8e2a1c77",
        ["AzureAd:ClientId"] = "0b3f9a52-6c1d-4e8f-a7b2-5d9e1c3f4a60",
    }).Build();

    [Fact]
    public void The_hosts_container_builds_every_trigger_with_the_azure_adapters()
    {
        // The host supplies IConfiguration and logging; the app adds the rest.
        var configuration = ProductionConfiguration();
        var collection = new ServiceCollection().AddLogging().AddSingleton(configuration).AddVnchFunctionsApp(configuration);
        // Not ValidateOnBuild: ASP.NET Core services in the container need the host's routing.
        using var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });

        // Every class of the app with a [Function] method, found by reflection (not a hand-kept list), is built the
        // way the worker builds it (ActivatorUtilities over the host's container): a trigger whose handlers, ports or
        // options are not registered, or fail validation, throws here instead of on its first invocation in Azure.
        var triggers = typeof(FunctionsAppServices).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.IsDefined(typeof(FunctionAttribute), inherit: false)))
            .OrderBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        Assert.Equal([typeof(AnalyseQueueFunctions), typeof(InboxEventFunction), typeof(VNCH.Network.Functions.Reporting.ReportingCubeFunction), typeof(RequeueStalledFunction)], triggers);
        foreach (var trigger in triggers)
        {
            _ = ActivatorUtilities.CreateInstance(provider, trigger);
        }

        // The Cosmos study store, wrapped so final studies reach the Cosmos reporting cube (as the embedded host does).
        Assert.IsType<Core.Features.Reporting.ReportingStudyStore>(provider.GetRequiredService<IStudyStore>());
        Assert.IsType<Cosmos.CosmosReportingStore>(provider.GetRequiredService<Core.Features.Reporting.IReportingStore>());
        Assert.IsType<StorageQueueWorkQueue>(provider.GetRequiredService<IWorkQueue>());
        Assert.IsType<ServiceBus.ServiceBusEventPublisher>(provider.GetRequiredService<IEventPublisher>());
        Assert.IsType<Cosmos.CosmosTenantDirectory>(provider.GetRequiredService<ITenantDirectory>());
        Assert.IsType<Cosmos.CosmosDicomIndex>(provider.GetRequiredService<IDicomIndex>());
        Assert.NotEmpty(provider.GetServices<IStudyDocumentParser>());
        // The same analysers as the embedded server: the repository's model and the clinical algorithms.
        Assert.Equal(["pediatric-cxr-pneumonia", "ecg-intervals", "audiometry"],
            provider.GetRequiredService<IAnalyserRegistry>().All.Select(a => a.Descriptor.Id));
    }

    [Fact]
    public async Task A_poisoned_work_item_marks_its_study_failed_with_the_reason()
    {
        var study = StudyStoreContractTests.NewStudy(Hospital.Id, "s-poison", StudyStatus.Analysing);
        await studies.SaveAsync(study, CancellationToken.None);
        var functions = services.GetRequiredService<AnalyseQueueFunctions>();

        await functions.Poison(WorkMessageCodec.Encode(new AnalyseStudy(Hospital.Id, "s-poison"), "analyser crashed"), new TestFunctionContext());

        var failed = (await studies.GetAsync(Hospital.Id, "s-poison", CancellationToken.None))!;
        Assert.Equal(StudyStatus.Failed, failed.Status);
        Assert.Contains("analyser crashed", failed.Reason!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_the_host_poisoned_by_itself_still_fails_the_study_visibly()
    {
        var study = StudyStoreContractTests.NewStudy(Hospital.Id, "s-host", StudyStatus.Queued);
        await studies.SaveAsync(study, CancellationToken.None);

        await services.GetRequiredService<AnalyseQueueFunctions>().Poison(WorkMessageCodec.Encode(new AnalyseStudy(Hospital.Id, "s-host")), new TestFunctionContext());

        var failed = (await studies.GetAsync(Hospital.Id, "s-host", CancellationToken.None))!;
        Assert.Equal(StudyStatus.Failed, failed.Status);
        Assert.Contains("poison", failed.Reason!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_work_message_is_sent_to_poison_at_once()
    {
        var functions = services.GetRequiredService<AnalyseQueueFunctions>();
        await Assert.ThrowsAsync<UnreadableWorkMessageException>(() => functions.Analyse("not json", new TestFunctionContext()));

        // On the poison queue it is logged and dropped, not rethrown (nothing left to retry), and it touches nothing.
        await functions.Poison("not json", new TestFunctionContext());
        Assert.Empty(audit.All);
        Assert.Empty((await studies.QueryAsync(Hospital.Id, new StudyQuery(), CancellationToken.None)).Items);
        Assert.Empty(queue.Poisoned);
    }

    [Fact]
    public async Task The_last_failed_attempt_is_copied_to_poison_with_the_handlers_reason_and_the_study_fails()
    {
        // An analyser that fails the same way on every attempt (its model host is down).
        await using var failing = BuildServices(new FailingAnalyser());
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(Hospital.Id, "s-lost", StudyStatus.Queued), CancellationToken.None);
        await queue.EnqueueAsync(new AnalyseStudy(Hospital.Id, "s-lost"), CancellationToken.None);
        var functions = failing.GetRequiredService<AnalyseQueueFunctions>();
        var maxAttempts = new WorkRetryOptions().MaxAttempts;

        var early = (await queue.ReceiveAsync(TimeSpan.FromMinutes(5), CancellationToken.None))!;
        await Assert.ThrowsAsync<TransientAnalysisException>(() => functions.Analyse(
            WorkMessageCodec.Encode(early.Item), new TestFunctionContext(maxAttempts - 1, early.Id, early.Receipt)));
        Assert.Empty(queue.Poisoned);

        await functions.Analyse(WorkMessageCodec.Encode(early.Item), new TestFunctionContext(maxAttempts, early.Id, early.Receipt));

        var study = (await studies.GetAsync(Hospital.Id, "s-lost", CancellationToken.None))!;
        Assert.Equal(StudyStatus.Failed, study.Status);
        var poisoned = Assert.Single(queue.Poisoned);
        Assert.Equal(("s-lost", study.Reason!.Message), (poisoned.Item.StudyId, poisoned.Reason));
        Assert.Equal($"Failed on attempt {maxAttempts} of {maxAttempts}: The analysis failed unexpectedly (correlation id analyse:s-lost:{maxAttempts}).", poisoned.Reason);
    }

    private sealed class FailingAnalyser : IAnalyser
    {
        public AnalyserDescriptor Descriptor { get; } = new("failing", "1.0.0", AnalyserKind.Algorithm, new string('f', 64));

        public bool AppliesTo(AnalysisSubject subject) => true;

        public Task<AnalyserResult> AnalyseAsync(AnalysisSubject subject, CancellationToken cancellationToken) =>
            throw new TimeoutException("model host unavailable");
    }

    [Fact]
    public async Task A_work_item_for_a_finished_study_is_done_without_retry()
    {
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(Hospital.Id, "s-done", StudyStatus.Completed), CancellationToken.None);

        await services.GetRequiredService<AnalyseQueueFunctions>().Analyse(WorkMessageCodec.Encode(new AnalyseStudy(Hospital.Id, "s-done")), new TestFunctionContext(dequeueCount: 2));

        Assert.Equal(StudyStatus.Completed, (await studies.GetAsync(Hospital.Id, "s-done", CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task An_inbox_file_under_an_unknown_tenant_is_refused_and_audited()
    {
        inboxBlobs.Files["no-such-hospital/a.dcm"] = [1, 2, 3];
        await services.GetRequiredService<InboxEventFunction>().Run(InboxEvent("no-such-hospital/a.dcm"), new TestFunctionContext());

        Assert.Equal(0, originals.PutCount);
        var record = Assert.Single(audit.All);
        Assert.Equal(AuditOutcomes.Rejected, record.Outcome);
        Assert.Null(record.Tenant);
        Assert.Contains("no-such-hospital/a.dcm", record.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inbox_file_under_a_known_tenant_goes_through_ingestion_and_is_kept()
    {
        inboxBlobs.Files[$"{Hospital.Id}/notes.txt"] = "not a study"u8.ToArray();
        await services.GetRequiredService<InboxEventFunction>().Run(InboxEvent($"{Hospital.Id}/notes.txt"), new TestFunctionContext());

        Assert.Equal(1, originals.PutCount);
        var ingest = Assert.Single(audit.All, r => r.Action == "study.ingest");
        Assert.Equal(Hospital.Id, ingest.Tenant);
        Assert.Equal(InboxHandler.Actor, ingest.Actor);
        var kept = await studies.QueryAsync(Hospital.Id, new StudyQuery(), CancellationToken.None);
        Assert.Equal(StudyStatus.Rejected, Assert.Single(kept.Items).Status);
    }

    [Fact]
    public async Task Http_triggers_run_the_shared_pipeline_anonymous_health()
    {
        var http = Context(user: null);
        await Execute(await HttpApiFunctions.Health(http.Request), http);
        Assert.Equal(StatusCodes.Status200OK, http.Response.StatusCode);
    }

    [Fact]
    public async Task Http_triggers_refuse_a_request_without_a_token()
    {
        var http = Context(user: null);
        await Execute(await HttpApiFunctions.GetStudy(http.Request), http);
        Assert.Equal(StatusCodes.Status401Unauthorized, http.Response.StatusCode);
        Assert.Equal("Bearer", http.Response.Headers.WWWAuthenticate.ToString());
    }

    [Fact]
    public async Task Http_triggers_serve_the_callers_study_and_hide_another_tenants()
    {
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(Hospital.Id, "mine"), CancellationToken.None);
        await studies.SaveAsync(StudyStoreContractTests.NewStudy(TenantId.Parse("vnch-children-2"), "theirs"), CancellationToken.None);
        var reader = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "doctor-1"), new Claim("tid", Directory), new Claim("roles", "Hospital.vnch-children-1"), new Claim("roles", Roles.StudiesRead)], "Bearer"));

        var mine = Context(reader, ("id", "mine"));
        await Execute(await HttpApiFunctions.GetStudy(mine.Request), mine);
        var theirs = Context(reader, ("id", "theirs"));
        await Execute(await HttpApiFunctions.GetStudy(theirs.Request), theirs);

        Assert.Equal(StatusCodes.Status200OK, mine.Response.StatusCode);
        Assert.Equal(StatusCodes.Status404NotFound, theirs.Response.StatusCode);
    }

    [Fact]
    public async Task An_inbox_dicom_file_is_indexed_and_the_dicomweb_triggers_find_and_retrieve_it()
    {
        var entry = DicomIndexContractTests.Dataset("2.25.7001", "2.25.7001.1", "2.25.7001.1.1", "Nguyễn^Văn An", "P-9", "20240105", "103000",
            "CR", 1, 1, "ACC-9", "Trần^Bảo", "1.2.840.10008.5.1.4.1.1.7");
        using var file = new MemoryStream();
        Dicom.DicomWriter.Write(file, entry);
        var bytes = file.ToArray();
        inboxBlobs.Files[$"{Hospital.Id}/a.dcm"] = bytes;
        await services.GetRequiredService<InboxEventFunction>().Run(InboxEvent($"{Hospital.Id}/a.dcm"), new TestFunctionContext());
        var reader = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim("sub", "doctor-1"), new Claim("tid", Directory), new Claim("roles", "Hospital.vnch-children-1"), new Claim("roles", Roles.StudiesRead)], "Bearer"));

        var search = Context(reader);
        search.Request.QueryString = new QueryString("?PatientID=P-9");
        await Execute(await HttpApiFunctions.DicomWebSearchStudies(search.Request), search);
        Assert.Equal(StatusCodes.Status200OK, search.Response.StatusCode);
        var found = System.Text.Json.Nodes.JsonNode.Parse(((MemoryStream)search.Response.Body).ToArray())!.AsArray();
        Assert.Equal("2.25.7001", (string?)Assert.Single(found)!["0020000D"]!["Value"]![0]);

        var retrieve = Context(reader, ("study", "2.25.7001"), ("series", "2.25.7001.1"), ("instance", "2.25.7001.1.1"));
        retrieve.Request.Headers.Accept = "application/dicom; transfer-syntax=*";
        await Execute(await HttpApiFunctions.DicomWebRetrieveInstance(retrieve.Request), retrieve);
        Assert.Equal(StatusCodes.Status200OK, retrieve.Response.StatusCode);
        Assert.Equal(bytes, ((MemoryStream)retrieve.Response.Body).ToArray());
    }

    private DefaultHttpContext Context(ClaimsPrincipal? user, params (string Key, string Value)[] route)
    {
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = "GET";
        http.Request.Scheme = "https";
        http.Request.Host = new HostString("func-x.azurewebsites.net");
        http.Response.Body = new MemoryStream();
        if (user is not null)
        {
            http.User = user;
        }

        foreach (var (key, value) in route)
        {
            http.Request.RouteValues[key] = value;
        }

        return http;
    }

    private static Task Execute(IActionResult result, HttpContext http) =>
        result.ExecuteResultAsync(new ActionContext(http, new RouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));

    /// <summary>The bits of a Functions invocation context the triggers read.</summary>
    private sealed class TestFunctionContext(int dequeueCount = 1, string? messageId = null, string? popReceipt = null) : FunctionContext
    {
        public override string InvocationId { get; } = Guid.NewGuid().ToString("N");

        public override string FunctionId => "test";

        public override TraceContext TraceContext => null!;

        public override BindingContext BindingContext { get; } = new TestBindingContext(new Dictionary<string, object?>
        {
            ["DequeueCount"] = dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Id"] = messageId,
            ["PopReceipt"] = popReceipt,
        });

        public override RetryContext RetryContext => null!;

        public override IServiceProvider InstanceServices { get; set; } = null!;

        public override FunctionDefinition FunctionDefinition => null!;

        public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();

        public override Microsoft.Azure.Functions.Worker.IInvocationFeatures Features => null!;

        public override CancellationToken CancellationToken => CancellationToken.None;
    }

    private sealed class TestBindingContext(IReadOnlyDictionary<string, object?> data) : BindingContext
    {
        public override IReadOnlyDictionary<string, object?> BindingData => data;
    }

    /// <summary>An Event Grid BlobCreated event as the system topic writes it into the inbox-events queue.</summary>
    private static string InboxEvent(string path) =>
        System.Text.Json.JsonSerializer.Serialize(new { id = Guid.NewGuid(), eventType = InboxEvents.BlobCreated, subject = InboxEvents.SubjectPrefix + path, data = new { } });

    [Fact]
    public async Task Inbox_events_that_are_not_a_blob_created_in_the_inbox_are_ignored()
    {
        inboxBlobs.Files[$"{Hospital.Id}/x.dcm"] = [1, 2, 3];
        var function = services.GetRequiredService<InboxEventFunction>();
        await function.Run("not json", new TestFunctionContext());
        await function.Run(System.Text.Json.JsonSerializer.Serialize(new { eventType = "Microsoft.Storage.BlobDeleted", subject = InboxEvents.SubjectPrefix + $"{Hospital.Id}/x.dcm" }), new TestFunctionContext());
        await function.Run(System.Text.Json.JsonSerializer.Serialize(new { eventType = InboxEvents.BlobCreated, subject = $"/blobServices/default/containers/originals/blobs/{Hospital.Id}/x.dcm" }), new TestFunctionContext());

        Assert.Equal(0, originals.PutCount);
    }

    private sealed class FakeInboxBlobs : IInboxBlobs
    {
        public Dictionary<string, byte[]> Files { get; } = [];

        public Task<Stream?> OpenAsync(string path, CancellationToken cancellationToken) =>
            Task.FromResult<Stream?>(Files.TryGetValue(path, out var bytes) ? new MemoryStream(bytes) : null);
    }
}
