namespace VNCH.Network.Dicom;

/// <summary>
/// Bounds how many deflated data sets inflate at once in a process (each may hold up to
/// <see cref="DicomReadOptions.MaxInflatedBytes"/>): a read waits for a free slot and holds it until it ends.
/// </summary>
public sealed class InflationGate
{
    private readonly SemaphoreSlim free;
    private readonly object counts = new();

    public InflationGate(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Slots = slots;
        free = new SemaphoreSlim(slots, slots);
    }

    public int Slots { get; }

    /// <summary>Inflations running now.</summary>
    public int Active { get; private set; }

    /// <summary>Reads waiting for a slot now.</summary>
    public int Waiting { get; private set; }

    /// <summary>The most inflations that ever ran at once (never above <see cref="Slots"/>).</summary>
    public int MostActive { get; private set; }

    internal void Enter()
    {
        lock (counts)
        {
            Waiting++;
        }

        free.Wait();
        lock (counts)
        {
            Waiting--;
            Active++;
            MostActive = Math.Max(MostActive, Active);
        }
    }

    internal void Exit()
    {
        lock (counts)
        {
            Active--;
        }

        free.Release();
    }
}
