namespace VNCH.Network.Dicom;

/// <summary>
/// Forward reader over a stream with a growable window. Slices handed out stay valid: when more data is needed
/// a new buffer is rented (the old one lives on in the slices), so values reference the bytes without copies.
/// Every buffer belongs to <see cref="Buffers"/>, which the <see cref="DicomFile"/> releases on dispose.
/// Lengths are checked against what is left in the stream before anything is allocated.
/// </summary>
internal sealed class ByteSource
{
    private const int ChunkSize = 64 * 1024;
    private const int UnknownLengthGrowthCap = 16 * 1024 * 1024;

    private readonly Stream? _stream;
    private readonly long _streamOrigin;
    private byte[] _buffer;
    private DicomBuffer? _current;
    private int _capacity;
    private int _pos;
    private int _end;
    private long _bufferStart;
    private bool _eof;

    /// <summary>A source over memory already in hand (no copy).</summary>
    public ByteSource(ReadOnlyMemory<byte> memory, long length, DicomBufferSet buffers)
    {
        Buffers = buffers;
        if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(memory, out var segment) && segment.Array is not null)
        {
            _buffer = segment.Array;
            _pos = segment.Offset;
            _end = segment.Offset + segment.Count;
            _bufferStart = -segment.Offset;
        }
        else
        {
            _buffer = memory.ToArray();
            _end = _buffer.Length;
        }

        _current = buffers.Borrow(_buffer);
        _capacity = _end;
        Length = length;
        _eof = true;
    }

    /// <summary>A source over a stream; <paramref name="firstChunk"/> is the size of the first read.</summary>
    public ByteSource(Stream stream, int firstChunk, DicomBufferSet buffers)
    {
        Buffers = buffers;
        _stream = stream;
        CanSeek = stream.CanSeek;
        _streamOrigin = CanSeek ? stream.Position : 0;
        Length = CanSeek ? Math.Max(0, stream.Length - _streamOrigin) : -1;
        _buffer = [];
        _firstChunk = firstChunk;
    }

    private readonly int _firstChunk = ChunkSize;

    /// <summary>The buffers the values are slices of.</summary>
    public DicomBufferSet Buffers { get; }

    /// <summary>Total length when known (seekable stream or memory), else -1.</summary>
    public long Length { get; }

    public bool CanSeek { get; }

    /// <summary>True when the bytes could be read again later from the stream by offset.</summary>
    public bool IsRereadable => CanSeek;

    public long Position => _bufferStart + _pos;

    public int Available => _end - _pos;

    /// <summary>Bytes left if known; long.MaxValue for streams of unknown length.</summary>
    public long Remaining => Length >= 0 ? Length - Position : long.MaxValue;

    public bool IsAtEnd => _pos >= _end && !TryEnsure(1);

    public ReadOnlySpan<byte> Span(int count) => _buffer.AsSpan(_pos, count);

    public ReadOnlySpan<byte> AvailableSpan => _buffer.AsSpan(_pos, _end - _pos);

    /// <summary>Makes <paramref name="count"/> bytes available at the current position; false at end of data.</summary>
    public bool TryEnsure(int count)
    {
        if (_end - _pos >= count)
        {
            return true;
        }

        if (_stream is null || _eof || count > Remaining)
        {
            return false;
        }

        var available = _end - _pos;
        long target = Math.Max(count, _capacity == 0 ? _firstChunk : ChunkSize);
        if (Length >= 0)
        {
            target = Math.Min(target, Remaining);
        }
        else if (count > UnknownLengthGrowthCap)
        {
            return TryEnsureGrowing(count);
        }

        NextBuffer((int)target, available);
        Fill();
        return _end >= count;
    }

    // For streams of unknown length: grow step by step so a hostile length cannot allocate more than the stream holds (×2).
    private bool TryEnsureGrowing(int count)
    {
        while (_end - _pos < count)
        {
            var available = _end - _pos;
            var target = (int)Math.Min(count, Math.Max((long)available * 2, UnknownLengthGrowthCap));
            NextBuffer(target, available);
            Fill();
            if (_eof && _end < count)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Moves the <paramref name="available"/> unread bytes into a new pooled buffer of <paramref name="capacity"/> bytes.</summary>
    private void NextBuffer(int capacity, int available)
    {
        var next = Buffers.Rent(capacity);
        _buffer.AsSpan(_pos, available).CopyTo(next.Array);
        _bufferStart += _pos;
        _current = next;
        _buffer = next.Array;
        _capacity = capacity;
        _pos = 0;
        _end = available;
    }

    private void Fill()
    {
        while (_end < _capacity)
        {
            var n = _stream!.Read(_buffer, _end, _capacity - _end);
            if (n <= 0)
            {
                _eof = true;
                return;
            }

            _end += n;
        }
    }

    public ushort PeekUInt16(int at, bool bigEndian) => bigEndian
        ? System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(_pos + at))
        : System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_pos + at));

    public uint PeekUInt32(int at, bool bigEndian) => bigEndian
        ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_pos + at))
        : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_pos + at));

    public byte PeekByte(int at) => _buffer[_pos + at];

    public void Advance(int count) => _pos += count;

    /// <summary>Takes <paramref name="count"/> bytes (already ensured) as a slice of the window.</summary>
    public ReadOnlyMemory<byte> Take(int count)
    {
        var slice = _current is null ? ReadOnlyMemory<byte>.Empty : _current.Slice(_pos, count);
        _pos += count;
        return slice;
    }

    /// <summary>Skips bytes without keeping them: seeks when possible, otherwise reads and drops them.</summary>
    public bool Skip(long count)
    {
        if (count <= _end - _pos)
        {
            _pos += (int)count;
            return true;
        }

        if (count > Remaining)
        {
            return false;
        }

        count -= _end - _pos;
        var target = Position + (_end - _pos) + count;
        if (CanSeek)
        {
            _stream!.Seek(_streamOrigin + target, SeekOrigin.Begin);
            _bufferStart = target;
            DropWindow();
            return true;
        }

        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent((int)Math.Min(count, ChunkSize));
        _bufferStart += _end;
        DropWindow();
        try
        {
            while (count > 0)
            {
                var n = _stream!.Read(scratch, 0, (int)Math.Min(count, scratch.Length));
                if (n <= 0)
                {
                    _eof = true;
                    return false;
                }

                count -= n;
                _bufferStart += n;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }

        return true;
    }

    /// <summary>Forgets the window (its buffer stays in <see cref="Buffers"/> for the slices already taken).</summary>
    private void DropWindow()
    {
        _buffer = [];
        _current = null;
        _capacity = 0;
        _pos = _end = 0;
    }

    /// <summary>A stream of the bytes from the current position on (used to inflate deflated data sets).</summary>
    public Stream RemainderAsStream()
    {
        var head = new MemoryStream(_buffer, _pos, _end - _pos, writable: false);
        return _stream is null || _eof ? head : new ConcatenatedStream(head, _stream);
    }

    private sealed class ConcatenatedStream(Stream first, Stream second) : Stream
    {
        private bool _onSecond;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_onSecond)
            {
                var n = first.Read(buffer, offset, count);
                if (n > 0)
                {
                    return n;
                }

                _onSecond = true;
            }

            return second.Read(buffer, offset, count);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>Stops inflation past a byte budget or a ratio to the deflated bytes read (zip-bomb guard).</summary>
internal sealed class InflateLimitStream(Stream inner, long maxBytes, int maxRatio, CountingReadStream deflated) : Stream
{
    /// <summary>Inflated bytes allowed before the ratio is judged (small inputs legitimately compress very well).</summary>
    private const long RatioAllowance = 1024 * 1024;

    private long _total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _total; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n;
        try
        {
            n = inner.Read(buffer, offset, count);
        }
        catch (InvalidDataException ex)
        {
            throw new DicomFormatException("The deflated data set is corrupt: " + ex.Message, offset: _total, inner: ex);
        }

        _total += n;
        if (_total > maxBytes)
        {
            throw new DicomLimitExceededException(DicomLimit.InflatedSize,
                $"The deflated data set inflates beyond the limit of {maxBytes} bytes (MaxInflatedBytes); refusing a possible zip bomb.",
                offset: _total);
        }

        if (_total > RatioAllowance && _total > maxRatio * Math.Max(1, deflated.BytesRead))
        {
            throw new DicomLimitExceededException(DicomLimit.InflationRatio,
                $"The deflated data set inflates more than {maxRatio} times its compressed size (MaxInflationRatio); refusing a possible zip bomb.",
                offset: _total);
        }

        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Counts the bytes read through it (the compressed side of an inflation).</summary>
internal sealed class CountingReadStream(Stream inner) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = inner.Read(buffer, offset, count);
        BytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

internal static class ByteSourceExtensions
{
    /// <summary>Reads a tag at the current position: group then element, each in the given byte order.</summary>
    public static uint PeekUInt32Tag(this ByteSource source, bool bigEndian) =>
        ((uint)source.PeekUInt16(0, bigEndian) << 16) | source.PeekUInt16(2, bigEndian);
}
