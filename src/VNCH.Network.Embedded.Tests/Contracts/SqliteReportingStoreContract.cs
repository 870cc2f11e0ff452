using VNCH.Network.Contracts.Contracts;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Embedded.Reporting;
using VNCH.Network.Embedded.Storage;
using VNCH.Network.Testing;

namespace VNCH.Network.Embedded.Tests.Contracts;

public sealed class SqliteReportingStoreContract : ReportingStoreContractTests, IDisposable
{
    private readonly TempDirectory directory = new("vnch-reporting");

    protected override IReportingStore CreateStore() => new SqliteReportingStore(new SqliteDatabase(new DataFolder(directory.Path)));

    protected override IReportingStore ReopenStore() => CreateStore();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        directory.Dispose();
    }
}
