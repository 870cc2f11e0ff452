using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Contracts.Contracts;

public abstract class AuditSinkContractTests
{
    private static readonly TenantId TenantA = TenantId.Parse("contract-a");
    private static readonly TenantId TenantB = TenantId.Parse("contract-b");
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    protected abstract IAuditSink CreateSink();

    [Fact]
    public async Task Records_read_back_in_order_per_tenant_with_every_field()
    {
        var sink = CreateSink();
        var first = new AuditRecord(T0, "dev:a", TenantA, "study.read", "Study", "s-1", AuditOutcomes.Success, "corr-1", "detail");
        await sink.WriteAsync(first, CancellationToken.None);
        await sink.WriteAsync(first with { Tenant = TenantB, CorrelationId = "corr-b" }, CancellationToken.None);
        await sink.WriteAsync(first with { Time = T0.AddSeconds(1), Outcome = AuditOutcomes.NotFound, CorrelationId = "corr-2" }, CancellationToken.None);

        var records = await sink.ReadAsync(TenantA, null, 100, CancellationToken.None);
        Assert.Equal(2, records.Count);
        Assert.Equal(first, records[0]);
        Assert.Equal("corr-2", records[1].CorrelationId);
        Assert.Equal(["corr-2"], (await sink.ReadAsync(TenantA, T0.AddMilliseconds(500), 100, CancellationToken.None)).Select(r => r.CorrelationId));
    }
}
