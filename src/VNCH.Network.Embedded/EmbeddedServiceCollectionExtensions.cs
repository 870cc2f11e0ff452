using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Results;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Core.Features.Work;
using VNCH.Network.Embedded.Audit;
using VNCH.Network.Embedded.Events;
using VNCH.Network.Embedded.Inbox;
using VNCH.Network.Embedded.Quotas;
using VNCH.Network.Embedded.Records;
using VNCH.Network.Embedded.Reporting;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Embedded.Studies;
using VNCH.Network.Embedded.Tenancy;
using VNCH.Network.Embedded.Work;

namespace VNCH.Network.Embedded;

public static class EmbeddedServiceCollectionExtensions
{
    /// <summary>The embedded adapters (SQLite + files) for every Core port.</summary>
    public static IServiceCollection AddVnchEmbeddedStorage(this IServiceCollection services, Action<EmbeddedStorageOptions> configure)
    {
        services.AddOptions<EmbeddedStorageOptions>().Configure(configure).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new DataFolder(sp.GetRequiredService<IOptions<EmbeddedStorageOptions>>().Value.DataPath));
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<IOriginalStore, FileOriginalStore>();
        services.AddVnchEmbeddedQuotas();
        services.AddSingleton<IStoreFailureClassifier, SqliteStoreFailures>();
        services.AddSingleton<IStudyStore, SqliteStudyStore>();
        services.AddSingleton<IRecordStore, SqliteRecordStore>();
        services.AddSingleton<Core.Features.DicomWeb.IDicomIndex, DicomWeb.SqliteDicomIndex>();
        services.AddSingleton<SqliteWorkQueue>();
        services.AddSingleton<IWorkQueue>(sp => sp.GetRequiredService<SqliteWorkQueue>());
        services.AddSingleton<SqliteAuditSink>();
        services.AddSingleton<IAuditSink>(sp => sp.GetRequiredService<SqliteAuditSink>());
        services.AddSingleton<ITenantDirectory, JsonTenantDirectory>();
        services.AddSingleton<IEventPublisher, LoggingEventPublisher>();
        services.AddSingleton<IReportingStore, SqliteReportingStore>();
        services.AddVnchReporting();
        services.AddSingleton<Core.Features.Analysis.IAnalysisFinish, SqliteAnalysisFinish>();
        return services;
    }

    /// <summary>The background workers that play the blob and queue triggers.</summary>
    public static IServiceCollection AddVnchEmbeddedWorkers(this IServiceCollection services)
    {
        services.AddHostedService<StagingCleanup>(); // first: nothing is received before a crash's leftovers are gone
        services.AddSingleton<AnalysisWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<AnalysisWorker>());
        services.AddSingleton<InboxWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWatcher>());
        return services;
    }
}
