using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VNCH.Network.Core;
using VNCH.Network.Embedded.Tests.Contracts;

namespace VNCH.Network.Embedded.Tests.Hardening;

/// <summary>Issue 13 item 7: what a crash left in the originals' staging folders is removed at start and counted in the log.</summary>
public sealed class StagingCleanupTests : SqliteFixture
{
    [Fact]
    public async Task Stale_staging_files_are_gone_after_start_and_counted_in_the_log()
    {
        var stale = new[]
        {
            Path.Combine(Folder.Originals, "hosp-a", ".staging", "3f2a9c"),
            Path.Combine(Folder.Originals, "hosp-a", ".staging", "77b1e0"),
            Path.Combine(Folder.Originals, "hosp-b", ".staging", "0c0ffe"),
        };
        foreach (var file in stale)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            await File.WriteAllBytesAsync(file, new byte[1000]);
        }

        var kept = Path.Combine(Folder.Originals, "hosp-a", "ab", "ab" + new string('0', 62));
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        await File.WriteAllBytesAsync(kept, [1]);
        var logs = new ListLoggerProvider();
        var services = new ServiceCollection().AddLogging(l => l.AddProvider(logs));
        services.AddVnchEmbeddedStorage(o => o.DataPath = Folder.Root).AddVnchCore(new ConfigurationBuilder().Build());
        services.AddVnchEmbeddedWorkers();
        await using var provider = services.BuildServiceProvider();

        // Start the hosted services as the host does, in order, then stop them.
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        foreach (var service in Enumerable.Reverse(hosted))
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.All(stale, file => Assert.False(File.Exists(file), file));
        Assert.True(File.Exists(kept));
        Assert.Contains(logs.Lines, l => l.Contains("Removed 3 leftover staging file(s) (3000 bytes)", StringComparison.Ordinal));
    }

    private sealed class ListLoggerProvider : ILoggerProvider
    {
        private readonly List<string> lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines)
                {
                    return [.. lines];
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(ListLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.lines)
                {
                    owner.lines.Add(formatter(state, exception));
                }
            }
        }
    }
}
