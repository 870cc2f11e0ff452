using Microsoft.Extensions.Options;
using VNCH.Network.Core.Features.Work;

namespace VNCH.Network.Core.Tests.Work;

public sealed class WorkRetryPolicyTests
{
    private static WorkRetryPolicy Policy(int maxAttempts, int maxBackoffSeconds = 60) =>
        new(Options.Create(new WorkRetryOptions { MaxAttempts = maxAttempts, MaxBackoff = TimeSpan.FromSeconds(maxBackoffSeconds) }));

    [Fact]
    public void Retries_with_doubling_backoff_until_the_last_attempt_then_poisons_with_the_reason()
    {
        var policy = Policy(5, maxBackoffSeconds: 5);
        var delays = Enumerable.Range(1, 4).Select(attempt => Assert.IsType<WorkDisposition.Retry>(policy.AfterFailure(attempt, "boom")).Delay.TotalSeconds);
        Assert.Equal([1d, 2d, 4d, 5d], delays);

        var poison = Assert.IsType<WorkDisposition.Poison>(policy.AfterFailure(5, "IOException: disk gone"));
        Assert.Equal("Failed on attempt 5 of 5: IOException: disk gone", poison.Reason);
        Assert.IsType<WorkDisposition.Poison>(policy.AfterFailure(9, "late redelivery"));
    }

    [Fact]
    public void One_attempt_means_no_retry()
    {
        Assert.IsType<WorkDisposition.Poison>(Policy(1).AfterFailure(1, "x"));
    }

    [Fact]
    public void The_defaults_are_the_documented_budget()
    {
        var options = new WorkRetryOptions();
        Assert.Equal(5, options.MaxAttempts);
        Assert.Equal(TimeSpan.FromMinutes(1), options.MaxBackoff);
        Assert.Equal("Analysis", WorkRetryOptions.SectionName);
    }
}
