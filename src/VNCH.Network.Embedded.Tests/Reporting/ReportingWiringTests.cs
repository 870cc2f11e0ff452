using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Embedded.Tests.Contracts;

namespace VNCH.Network.Embedded.Tests.Reporting;

public sealed class ReportingWiringTests : SqliteFixture
{
    [Fact]
    public async Task The_embedded_host_feeds_the_sqlite_cube_from_every_final_study_save()
    {
        var network = new GeneratedNetwork(60);
        await using var services = new ServiceCollection()
            .AddLogging()
            .AddVnchEmbeddedStorage(o => o.DataPath = Folder.Root)
            .BuildServiceProvider();
        var tenants = services.GetRequiredService<ITenantDirectory>();
        foreach (var tenant in network.Tenants)
        {
            await tenants.UpsertAsync(tenant, CancellationToken.None);
        }

        var studies = services.GetRequiredService<IStudyStore>();
        Assert.IsType<ReportingStudyStore>(studies);
        foreach (var study in network.Studies)
        {
            await studies.SaveAsync(study, CancellationToken.None);
        }

        var cube = services.GetRequiredService<IReportingStore>();
        Assert.Equal(network.Studies.Count, (await cube.ListAsync(CancellationToken.None)).Count);
        Assert.True((await services.GetRequiredService<ReportingProjector>().VerifyAsync(studies, CancellationToken.None)).Consistent);
    }
}
