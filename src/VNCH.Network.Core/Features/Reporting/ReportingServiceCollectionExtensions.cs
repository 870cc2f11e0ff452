using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Core.Features.Studies;

namespace VNCH.Network.Core.Features.Reporting;

public static class ReportingServiceCollectionExtensions
{
    /// <summary>
    /// The reporting feature over an already registered <see cref="IReportingStore"/> and <see cref="IStudyStore"/>:
    /// wraps the study store so final studies reach the cube, and adds the snapshots and report queries. Call after
    /// the host's adapters.
    /// </summary>
    public static IServiceCollection AddVnchReporting(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(ReportingProjector)))
        {
            return services;
        }

        services.AddSingleton<ReportingProjector>();
        services.AddOptions<Disclosure.DisclosureOptions>().BindConfiguration(Disclosure.DisclosureOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReportSnapshotOptions>().BindConfiguration(Disclosure.DisclosureOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ReportSnapshots>();
        services.AddSingleton<ReportQueries>();
        services.AddOptions<Exports.Dhis2ExportOptions>().BindConfiguration(Exports.Dhis2ExportOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Exports.Dhis2ExportOptions>, Exports.Dhis2ExportOptionsValidation>();
        services.AddSingleton(sp => Exports.Dhis2Mapping.Load(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Exports.Dhis2ExportOptions>>().Value));
        services.AddSingleton<Exports.ReportExports>();
        services.AddSingleton<Exports.SeriesExports>();
        var studies = services.LastOrDefault(d => d.ServiceType == typeof(IStudyStore))
            ?? throw new InvalidOperationException("Register an IStudyStore adapter before AddVnchReporting.");

        services.Remove(studies);
        services.AddSingleton<IStudyStore>(sp => new ReportingStudyStore(Resolve(sp, studies), sp.GetRequiredService<ReportingProjector>()));
        return services;
    }

    private static IStudyStore Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance as IStudyStore
        ?? descriptor.ImplementationFactory?.Invoke(services) as IStudyStore
        ?? (IStudyStore)ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}
