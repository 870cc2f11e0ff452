namespace VNCH.Network.Embedded.Storage;

/// <summary>
/// The in-process queue of a database's writers (ADR 0115) with two lanes (ADR 0118): the audit commit that reads are
/// waiting on goes before the ingest and analysis writers queued at that moment, and when both lanes wait the gate
/// alternates between them, so neither lane can hold the other back for more than one turn. FIFO within a lane.
/// </summary>
public sealed class WriteGate
{
    private readonly object sync = new();
    private readonly Queue<TaskCompletionSource> urgent = new();
    private readonly Queue<TaskCompletionSource> normal = new();
    private bool held;
    private bool lastWasUrgent;

    /// <summary>Writers waiting now, cancelled ones included until their turn passes (for tests).</summary>
    public int Waiting
    {
        get
        {
            lock (sync)
            {
                return urgent.Count + normal.Count;
            }
        }
    }

    /// <summary>Waits for the gate; <paramref name="urgent"/> takes the other lane. Cancelling a wait leaves the queue intact.</summary>
    public async Task WaitAsync(bool urgent, CancellationToken cancellationToken)
    {
        TaskCompletionSource waiter;
        lock (sync)
        {
            if (!held)
            {
                held = true;
                lastWasUrgent = urgent;
                return;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? this.urgent : normal).Enqueue(waiter);
        }

        // A cancelled waiter stays queued and is skipped when its turn comes (it can be cancelled or handed the gate,
        // never both: whichever completes the task first wins).
        using (cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken)))
        {
            await waiter.Task;
        }
    }

    public void Release()
    {
        lock (sync)
        {
            ReleaseLocked();
        }
    }

    private void ReleaseLocked()
    {
        while (true)
        {
            var takeUrgent = urgent.Count > 0 && (!lastWasUrgent || normal.Count == 0);
            var lane = takeUrgent ? urgent : normal.Count > 0 ? normal : null;
            if (lane is null)
            {
                held = false;
                return;
            }

            var next = lane.Dequeue();
            if (next.TrySetResult())
            {
                lastWasUrgent = takeUrgent;
                return;
            }

            // That waiter was cancelled: try the next one.
        }
    }
}
