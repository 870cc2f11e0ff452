using System.Buffers;
using System.IO.Pipelines;

namespace VNCH.Network.Core.Features.Ingestion;

/// <summary>
/// A read-only, forward-only view of an upload that hands every byte its reader takes to a second reader through
/// a pipe: the original store reads the upload once and the parser reads the same bytes from the pipe. The second
/// reader may start late: <paramref name="startReader"/> is called once the copy reaches
/// <paramref name="startReaderAfterBytes"/> (before the pipe could make the store wait for a reader that is not there).
/// When the parser has seen enough (it completes its end of the pipe), copying stops and the store reads on alone.
/// </summary>
internal sealed class TeeReadStream(Stream source, PipeWriter copy, long startReaderAfterBytes, Action startReader) : Stream
{
    private bool copying = true;
    private long copied;

    public override bool CanRead => true;

    public override bool CanSeek => false; // The copy must see each byte once: no rewinding.

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await source.ReadAsync(buffer, cancellationToken);
        await CopyAsync(buffer[..read], cancellationToken);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        // The store stopped reading (done, or failed): the parser sees the end of what was read.
        await StopCopyingAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            StopCopyingAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    private async ValueTask CopyAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (!copying)
        {
            return;
        }

        if (data.IsEmpty)
        {
            await StopCopyingAsync();
            return;
        }

        copy.Write(data.Span);
        copied += data.Length;
        if (copied >= startReaderAfterBytes)
        {
            startReader();
        }

        var flushed = await copy.FlushAsync(cancellationToken);
        if (flushed.IsCompleted)
        {
            await StopCopyingAsync(); // The parser is done with the document.
        }
    }

    private async ValueTask StopCopyingAsync()
    {
        if (copying)
        {
            copying = false;
            await copy.CompleteAsync();
        }
    }
}
