using VNCH.Network.Embedded.Storage;

namespace VNCH.Network.Embedded.Tests.Writers;

/// <summary>The writers' gate (ADR 0118): one holder at a time, the urgent lane first, neither lane starved.</summary>
public sealed class WriteGateTests
{
    [Fact]
    public async Task An_urgent_waiter_goes_before_writers_that_queued_earlier_and_the_lanes_then_alternate()
    {
        var gate = new WriteGate();
        await gate.WaitAsync(urgent: false, CancellationToken.None);
        var order = new List<string>();
        var waiters = new List<Task>();
        foreach (var (name, urgent) in new[] { ("n1", false), ("n2", false), ("u1", true), ("u2", true), ("n3", false) })
        {
            waiters.Add(Task.Run(async () =>
            {
                await gate.WaitAsync(urgent, CancellationToken.None);
                lock (order)
                {
                    order.Add(name);
                }

                gate.Release();
            }));
            await WaitQueuedAsync(gate, waiters.Count);
        }

        gate.Release();
        await Task.WhenAll(waiters);

        Assert.Equal(["u1", "n1", "u2", "n2", "n3"], order);
    }

    [Fact]
    public async Task One_holder_at_a_time_under_contention_and_a_cancelled_waiter_is_skipped()
    {
        var gate = new WriteGate();
        var inside = 0;
        var most = 0;
        await gate.WaitAsync(urgent: true, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.WaitAsync(urgent: false, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Release();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            await gate.WaitAsync(urgent: i % 3 == 0, CancellationToken.None);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            gate.Release();
        })));

        Assert.Equal(1, most);
        await gate.WaitAsync(urgent: false, CancellationToken.None); // free again, nothing left holding it
        gate.Release();
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static async Task WaitQueuedAsync(WriteGate gate, int count)
    {
        for (var i = 0; i < 500 && gate.Waiting < count; i++)
        {
            await Task.Delay(2);
        }

        Assert.Equal(count, gate.Waiting);
    }
}
