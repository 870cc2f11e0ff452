using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace VNCH.Network.Core.Features.Analysis;

/// <summary>
/// Where analysers run (ADR 0122): threads of their own at a lower operating-system scheduling priority, so that on a
/// busy node acknowledging uploads and answering reads take the cores first and analysis uses what is left (a burst is
/// stored at full speed and analysed as it drains; nothing is dropped, the queue is durable). Everything an analyser
/// awaits comes back to these threads (the code base does not use <c>ConfigureAwait(false)</c>); the stores' write
/// transactions stay on the thread pool, so a deprioritised thread never holds a write lock others wait for.
/// <para>
/// An analyser that blocks its thread (one that ignores its token is abandoned by the watchdog, not stopped) must not
/// stall the others: when work has waited <see cref="StarvationDelay"/> with every thread busy, one more thread starts
/// (up to <see cref="MaxThreadsPerCore"/> per core), and threads beyond the configured count leave once idle.
/// </para>
/// </summary>
public sealed class AnalysisCompute : TaskScheduler, IDisposable
{
    internal static readonly TimeSpan StarvationDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ExtraThreadIdle = TimeSpan.FromSeconds(30);
    private const int MaxThreadsPerCore = 8;

    private readonly BlockingCollection<Task> queue = new(new ConcurrentQueue<Task>());
    private readonly int baseThreads;
    private readonly int maxThreads;
    private readonly int nice;
    private readonly Timer starvationCheck;
    private readonly ThreadLocal<bool> isComputeThread = new();
    private int threads;
    private int busy;
    private long oldestWaitingSince = -1;

    public AnalysisCompute(IOptions<AnalysisOptions> options)
    {
        baseThreads = options.Value.ComputeThreads ?? Environment.ProcessorCount;
        maxThreads = Math.Max(baseThreads, Environment.ProcessorCount * MaxThreadsPerCore);
        nice = options.Value.ComputeNice;
        for (var i = 0; i < baseThreads; i++)
        {
            StartThread(extra: false);
        }

        starvationCheck = new Timer(_ => AddThreadIfStarved(), null, StarvationDelay, StarvationDelay);
    }

    /// <summary>The threads running now (the configured count, plus any started because all were blocked).</summary>
    public int ThreadCount => Volatile.Read(ref threads);

    /// <summary>Runs <paramref name="work"/> (and every continuation it awaits) on the analysis threads.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken cancellationToken = default) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    public override int MaximumConcurrencyLevel => maxThreads;

    public void Dispose()
    {
        starvationCheck.Dispose();
        queue.CompleteAdding();
    }

    protected override void QueueTask(Task task)
    {
        Interlocked.CompareExchange(ref oldestWaitingSince, Stopwatch.GetTimestamp(), -1);
        queue.Add(task);
    }

    // A continuation may run inline only on a thread of ours, so analysis never borrows a request's thread.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        isComputeThread.Value && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => queue.ToArray();

    private void StartThread(bool extra)
    {
        Interlocked.Increment(ref threads);
        new Thread(() => Run(extra)) { IsBackground = true, Name = extra ? "analysis (extra)" : "analysis" }.Start();
    }

    private void Run(bool extra)
    {
        isComputeThread.Value = true;
        ThreadPriorities.LowerCurrent(nice);
        try
        {
            while (true)
            {
                Task? task;
                try
                {
                    if (!queue.TryTake(out task, extra ? ExtraThreadIdle : Timeout.InfiniteTimeSpan))
                    {
                        return; // an extra thread that stayed idle
                    }
                }
                catch (InvalidOperationException)
                {
                    return; // disposed
                }

                Interlocked.Exchange(ref oldestWaitingSince, queue.Count > 0 ? Stopwatch.GetTimestamp() : -1);
                Interlocked.Increment(ref busy);
                try
                {
                    TryExecuteTask(task);
                }
                finally
                {
                    Interlocked.Decrement(ref busy);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref threads);
        }
    }

    private void AddThreadIfStarved()
    {
        var since = Interlocked.Read(ref oldestWaitingSince);
        if (since >= 0 && queue.Count > 0 && Volatile.Read(ref busy) >= Volatile.Read(ref threads)
            && Stopwatch.GetElapsedTime(since) >= StarvationDelay && Volatile.Read(ref threads) < maxThreads)
        {
            StartThread(extra: true);
        }
    }
}

/// <summary>Lowers the calling thread's scheduling priority (a positive nice value on Linux; below normal on Windows).</summary>
public static class ThreadPriorities
{
    private const int PrioProcess = 0;

    public static void LowerCurrent(int nice)
    {
        if (nice <= 0)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
        }
        else if (OperatingSystem.IsLinux())
        {
            // On Linux the nice value is per thread (who = the thread id); raising it needs no privilege, lowering it
            // does, so a process already started nicer keeps its value. A failure leaves the thread where it was,
            // which is only slower for the others, never wrong.
            var tid = GetThreadId();
            _ = SetPriority(PrioProcess, tid, Math.Max(nice, GetPriority(PrioProcess, tid)));
        }
    }

    /// <summary>The calling thread's current nice value (Linux; 0 elsewhere).</summary>
    public static int CurrentNice() => OperatingSystem.IsLinux() ? GetPriority(PrioProcess, GetThreadId()) : 0;

    // Plain int signatures marshal without unsafe code (LibraryImport would need AllowUnsafeBlocks for this project).
    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int prio);

    [DllImport("libc", EntryPoint = "getpriority")]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
