using System.Buffers.Binary;
using System.Text;

namespace VNCH.Network.Dicom.Tests.Robustness;

/// <summary>Streams for tests: a huge file that exists only virtually, and a wrapper that cannot seek.</summary>
internal static class SyntheticStreams
{
    /// <summary>An explicit VR LE Part 10 header whose last element is Pixel Data (OW) of <paramref name="pixelBytes"/>.</summary>
    public static byte[] HeaderWithPixelData(long pixelBytes)
    {
        var ds = new DicomDataset()
            .Add(DicomTags.SOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
            .Add(DicomTags.SOPInstanceUID, DicomUid.FromName("virtual-1GB"))
            .Add(DicomTags.PatientName, "Virtual^Big")
            .Add(DicomTags.Rows, 16384)
            .Add(DicomTags.Columns, 16384)
            .Add(DicomTags.NumberOfFrames, "2")
            .Add(DicomTags.BitsAllocated, 16);
        using var stream = new MemoryStream();
        DicomWriter.Write(stream, ds);
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0x7FE0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 0x0010);
        Encoding.ASCII.GetBytes("OW").CopyTo(header, 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)pixelBytes);
        stream.Write(header);
        return stream.ToArray();
    }

    /// <summary>A seekable read-only stream: the given head, then zeros up to <paramref name="length"/>, never materialised.</summary>
    public sealed class VirtualFile(byte[] head, long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position { get => _position; set => _position = value; }

        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Max(0, Math.Min(count, length - _position));
            for (var i = 0; i < n; i++)
            {
                var p = _position + i;
                buffer[offset + i] = p < head.Length ? head[p] : (byte)0;
            }

            _position += n;
            BytesRead += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => _position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Hides seeking (network streams, request bodies).</summary>
    public sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 4096));

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
