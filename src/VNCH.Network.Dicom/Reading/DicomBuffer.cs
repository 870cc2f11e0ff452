using System.Buffers;

namespace VNCH.Network.Dicom;

/// <summary>
/// One read buffer of a <see cref="DicomFile"/>: element values are slices of it. Rented from the shared
/// <see cref="ArrayPool{T}"/> when the reader fills it from a stream (so the next file reuses pages already mapped),
/// or borrowed when the caller handed the bytes in. Once the file is disposed every slice throws
/// <see cref="ObjectDisposedException"/> instead of showing bytes the pool has handed to someone else.
/// </summary>
internal sealed class DicomBuffer : MemoryManager<byte>
{
    private readonly bool _pooled;
    private byte[]? _array;

    private DicomBuffer(byte[] array, bool pooled)
    {
        _array = array;
        _pooled = pooled;
    }

    /// <summary>A pooled buffer of at least <paramref name="length"/> bytes.</summary>
    public static DicomBuffer Rent(int length) => new(ArrayPool<byte>.Shared.Rent(length), pooled: true);

    /// <summary>The caller's bytes, not returned anywhere on dispose (only the slices stop working).</summary>
    public static DicomBuffer Borrow(byte[] array) => new(array, pooled: false);

    public byte[] Array => _array ?? throw Disposed();

    public ReadOnlyMemory<byte> Slice(int start, int length) => CreateMemory(start, length);

    public override Span<byte> GetSpan() => Array;

    public override MemoryHandle Pin(int elementIndex = 0) => new Memory<byte>(Array).Slice(elementIndex).Pin();

    public override void Unpin()
    {
    }

    protected override bool TryGetArray(out ArraySegment<byte> segment)
    {
        segment = new ArraySegment<byte>(Array);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        var array = _array;
        _array = null;
        if (array is not null && _pooled)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }

    private static ObjectDisposedException Disposed() => new(nameof(DicomFile),
        "The DicomFile this value was read into has been disposed; copy what must outlive it with DicomDataset.DeepCopy() before disposing.");
}

/// <summary>The buffers one read fills (the data set's and, for deflated files, the inflated stream's), released together.</summary>
internal sealed class DicomBufferSet : IDisposable
{
    private readonly List<DicomBuffer> _buffers = [];

    public DicomBuffer Rent(int length)
    {
        var buffer = DicomBuffer.Rent(length);
        _buffers.Add(buffer);
        return buffer;
    }

    public DicomBuffer Borrow(byte[] array)
    {
        var buffer = DicomBuffer.Borrow(array);
        _buffers.Add(buffer);
        return buffer;
    }

    public void Dispose()
    {
        foreach (IDisposable buffer in _buffers)
        {
            buffer.Dispose();
        }

        _buffers.Clear();
    }
}
