using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace VNCH.Network.Core.Features.Work;

/// <summary>What the host does with a delivered work item: Core decides, the host only acknowledges (ADR 0006).</summary>
public abstract record WorkDisposition
{
    /// <summary>Finished with the item, whatever the study's final state: delete the message.</summary>
    public static WorkDisposition Done { get; } = new DoneDisposition();

    /// <summary>Finished, and the message was already deleted in the same commit as the study's finish (ADR 0117).</summary>
    public static WorkDisposition Completed { get; } = new CompletedDisposition();

    /// <summary>A transient failure: deliver the item again after <paramref name="Delay"/>.</summary>
    public sealed record Retry(TimeSpan Delay, string Reason) : WorkDisposition;

    /// <summary>Never deliver again: keep the message in the poison store with the reason (the study is already failed).</summary>
    public sealed record Poison(string Reason) : WorkDisposition;

    private sealed record DoneDisposition : WorkDisposition;

    private sealed record CompletedDisposition : WorkDisposition;
}

/// <summary>The retry budget of the work queue (section <see cref="SectionName"/>). Azure's host.json must agree (a test checks).</summary>
public sealed class WorkRetryOptions
{
    public const string SectionName = "Analysis";

    /// <summary>Deliveries of one work item before it is poisoned and its study marked failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The longest wait between two deliveries (the embedded queue; Azure waits host.json's visibilityTimeout).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The one owner of "retry or poison": attempts are counted by the queue's dequeue count.</summary>
public sealed class WorkRetryPolicy(IOptions<WorkRetryOptions> options)
{
    public int MaxAttempts => options.Value.MaxAttempts;

    /// <summary>After a failed attempt: retry with exponential backoff (1 s, 2 s, 4 s ... capped), or poison on the last.</summary>
    public WorkDisposition AfterFailure(int attempt, string reason) =>
        attempt < options.Value.MaxAttempts
            ? new WorkDisposition.Retry(Backoff(attempt), reason)
            : new WorkDisposition.Poison($"Failed on attempt {attempt} of {options.Value.MaxAttempts}: {reason}");

    public TimeSpan Backoff(int attempt) =>
        TimeSpan.FromSeconds(Math.Min(options.Value.MaxBackoff.TotalSeconds, Math.Pow(2, Math.Clamp(attempt, 1, 30) - 1)));
}
