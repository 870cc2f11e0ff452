using System.Buffers;

namespace VNCH.Network.Dicom.Imaging;

/// <summary>
/// A run of pixel bytes that is either in memory or still in the file: frames read only the part they need,
/// so decoding frame N of a large multi-frame object never loads the others.
/// </summary>
public abstract class PixelBytes
{
    public abstract long Length { get; }

    /// <summary>Bytes [offset, offset + count); fewer when the data ends before.</summary>
    public abstract ReadOnlyMemory<byte> Read(long offset, int count);

    public ReadOnlyMemory<byte> ReadAll() => Read(0, checked((int)Length));

    /// <summary>
    /// Bytes [offset, offset + count) lent to <paramref name="use"/> for the call only: a slice of the memory, or the
    /// stream's bytes in a pooled buffer (a frame of a chest X-ray is 300 KB to several MB: a new array each time was a
    /// large-object allocation per decoded frame, and the gen2 collections they caused paused the whole server).
    /// </summary>
    public abstract TResult Lend<TState, TResult>(long offset, int count, TState state, Func<ReadOnlySpan<byte>, TState, TResult> use);

    public static PixelBytes FromMemory(ReadOnlyMemory<byte> bytes) => new MemoryPixelBytes(bytes);

    /// <summary>Bytes [start, start + length) of a seekable stream, read on demand (the caller keeps the stream open).</summary>
    public static PixelBytes FromStream(Stream stream, long start, long length) => new StreamPixelBytes(stream, start, length);

    public static implicit operator PixelBytes(byte[] bytes) => FromMemory(bytes);

    private sealed class MemoryPixelBytes(ReadOnlyMemory<byte> bytes) : PixelBytes
    {
        public override long Length => bytes.Length;

        public override ReadOnlyMemory<byte> Read(long offset, int count)
        {
            if (offset >= bytes.Length)
            {
                return ReadOnlyMemory<byte>.Empty;
            }

            return bytes.Slice((int)offset, (int)Math.Min(count, bytes.Length - offset));
        }

        public override TResult Lend<TState, TResult>(long offset, int count, TState state, Func<ReadOnlySpan<byte>, TState, TResult> use) =>
            use(Read(offset, count).Span, state);
    }

    private sealed class StreamPixelBytes : PixelBytes
    {
        private readonly Stream stream;
        private readonly long start;
        private readonly long length;

        public StreamPixelBytes(Stream stream, long start, long length)
        {
            ArgumentNullException.ThrowIfNull(stream);
            if (!stream.CanSeek)
            {
                throw new ArgumentException("pixel data read on demand needs a seekable stream", nameof(stream));
            }

            this.stream = stream;
            this.start = start;
            this.length = Math.Max(0, Math.Min(length, stream.Length - start));
        }

        public override long Length => length;

        public override ReadOnlyMemory<byte> Read(long offset, int count)
        {
            if (offset >= length)
            {
                return ReadOnlyMemory<byte>.Empty;
            }

            var buffer = new byte[(int)Math.Min(count, length - offset)];
            return buffer.AsMemory(0, ReadInto(offset, buffer));
        }

        public override TResult Lend<TState, TResult>(long offset, int count, TState state, Func<ReadOnlySpan<byte>, TState, TResult> use)
        {
            var wanted = offset >= length ? 0 : (int)Math.Min(count, length - offset);
            var buffer = ArrayPool<byte>.Shared.Rent(wanted);
            try
            {
                return use(buffer.AsSpan(0, ReadInto(offset, buffer.AsSpan(0, wanted))), state);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private int ReadInto(long offset, Span<byte> destination)
        {
            if (destination.IsEmpty)
            {
                return 0;
            }

            lock (stream)
            {
                stream.Position = start + offset;
                return stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            }
        }
    }
}

/// <summary>Where the pixel bytes are; nothing is copied until a frame is decoded.</summary>
public abstract record PixelDataSource;

/// <summary>Native pixel data (PS3.5 8.1): one value, frames back to back, in the transfer syntax's byte order.</summary>
public sealed record NativePixelDataSource(PixelBytes Data, bool BigEndian = false) : PixelDataSource;

/// <summary>
/// Encapsulated pixel data (PS3.5 A.4): the fragments after the Basic Offset Table item, the BOT offsets (may be empty)
/// and, when the dataset has them, the Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002).
/// BOT and EOT offsets count from the first byte of the first fragment's item tag.
/// </summary>
public sealed record EncapsulatedPixelDataSource(
    IReadOnlyList<PixelBytes> Fragments,
    IReadOnlyList<uint> BasicOffsetTable,
    IReadOnlyList<ulong>? ExtendedOffsetTable = null,
    IReadOnlyList<ulong>? ExtendedOffsetTableLengths = null) : PixelDataSource;
