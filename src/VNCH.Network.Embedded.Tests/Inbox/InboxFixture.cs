using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Audit;
using VNCH.Network.Embedded.Inbox;
using VNCH.Network.Embedded.Tests.Contracts;

namespace VNCH.Network.Embedded.Tests.Inbox;

/// <summary>An embedded container with the inbox watcher, as the server wires it, over a fresh data folder.</summary>
public abstract class InboxFixture : SqliteFixture
{
    protected ServiceProvider InboxServices(IAuditSink? audit = null, TimeSpan? settleTime = null)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddVnchEmbeddedStorage(o =>
        {
            o.DataPath = Folder.Root;
            o.InboxSettleTime = settleTime ?? TimeSpan.Zero;
        }).AddVnchCore(new ConfigurationBuilder().Build());
        services.AddSingleton<InboxWatcher>();
        if (audit is not null)
        {
            services.AddSingleton(audit);
        }

        return services.BuildServiceProvider();
    }
}
