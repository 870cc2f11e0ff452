using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Parsers;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Security;

/// <summary>Issue 13 item 11: no exception text to senders or the audit; no file names or dates of birth in logs.</summary>
public sealed class DisclosureTests
{
    private static readonly TenantId Tenant = TenantId.Parse("hosp-a");

    [Fact]
    public async Task An_unexpected_parser_failure_answers_a_generic_reason_with_the_correlation_id()
    {
        var audit = new InMemoryAuditSink();
        var logs = new CapturingLoggerProvider();
        var time = new FakeTimeProvider();
        var handler = new IngestionHandler(new InMemoryOriginalStore(), new InMemoryStudyStore(), new InMemoryWorkQueue(time), audit,
            [new ThrowingParser()], time, logs.For<IngestionHandler>());

        var outcome = await handler.IngestAsync(
            new IngestRequest(Tenant, new MemoryStream([1, 2, 3]), "application/dicom", "http", "tester", "corr-4711"), CancellationToken.None);

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Contains("corr-4711", outcome.Message);
        Assert.DoesNotContain(nameof(InvalidOperationException), outcome.Message);
        Assert.DoesNotContain("/srv/secret", outcome.Message);
        var record = Assert.Single(audit.All, r => r.Action == "study.ingest");
        Assert.DoesNotContain(nameof(InvalidOperationException), record.Detail);
        Assert.DoesNotContain("/srv/secret", record.Detail);
        Assert.Contains(logs.Lines, l => l.Contains("corr-4711", StringComparison.Ordinal) && l.Contains(nameof(InvalidOperationException), StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("/srv/secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rejected_document_puts_no_date_of_birth_in_the_logs()
    {
        var logs = new CapturingLoggerProvider();
        var time = new FakeTimeProvider();
        var handler = new IngestionHandler(new InMemoryOriginalStore(), new InMemoryStudyStore(), new InMemoryWorkQueue(time), new InMemoryAuditSink(),
            [new AudiogramDocumentParser()], time, logs.For<IngestionHandler>());
        var json = File.ReadAllText(Path.Combine(Testing.TestData.RepositoryRoot, "docs", "audiogram.example.json"));
        var birth = System.Text.RegularExpressions.Regex.Match(json, "\"birthDate\"\\s*:\\s*\"([0-9-]+)\"").Groups[1].Value;
        Assert.NotEmpty(birth);
        var invalid = json.Replace("\"testDate\"", "\"testDate\": \"1900-01-01\", \"ignored\"", StringComparison.Ordinal);

        var outcome = await handler.IngestAsync(
            new IngestRequest(Tenant, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(invalid)), "application/vnd.vnch.audiogram+json", "inbox:hosp-a/MRN-0099123.json", "system:inbox", "corr-dob"),
            CancellationToken.None);

        Assert.Equal(IngestStatus.Failed, outcome.Status);
        Assert.Contains(birth, outcome.Message); // the sender's own document is quoted back to the sender…
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(birth, StringComparison.Ordinal)); // …never to the log
        Assert.DoesNotContain(logs.Lines, l => l.Contains("MRN-0099123", StringComparison.Ordinal));
    }

    private sealed class ThrowingParser : IStudyDocumentParser
    {
        public bool CanParse(string? mediaType, ReadOnlySpan<byte> head) => true;

        public Task<ParsedDocument> ParseAsync(Stream content, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("could not open /srv/secret/MRN-12345.dcm");
    }
}

/// <summary>Every log line written, formatted with its exception (what a server log would keep).</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
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

    public ILogger CreateLogger(string categoryName) => new Logger<object>(this);

    public ILogger<T> For<T>() => new Logger<T>(this);

    public void Dispose()
    {
    }

    private sealed class Logger<T>(CapturingLoggerProvider owner) : ILogger<T>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.lines)
            {
                owner.lines.Add($"{formatter(state, exception)} {exception}");
            }
        }
    }
}
