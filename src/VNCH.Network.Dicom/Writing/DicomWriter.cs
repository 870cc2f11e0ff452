using System.Buffers.Binary;
using System.Text;

namespace VNCH.Network.Dicom;

/// <summary>
/// Writes DICOM Part 10 files in Explicit VR Little Endian (or, for encapsulated pixel data, the file's own
/// encapsulated transfer syntax, whose data set is explicit VR little endian too). Sequences and items are
/// written with undefined length; the meta group carries a correct (0002,0000) group length. Data set group
/// length elements (gggg,0000), retired outside the meta group, are left out rather than written stale.
/// </summary>
public static class DicomWriter
{
    public static void WriteFile(string path, DicomFile file)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        Write(stream, file);
    }

    public static void WriteFile(string path, DicomDataset dataset, TransferSyntax? transferSyntax = null)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024);
        Write(stream, dataset, transferSyntax);
    }

    /// <summary>
    /// Writes a data set as a new Part 10 file (meta information derived from SOP Class/Instance UID). Give the
    /// encapsulated transfer syntax of compressed pixel data added with <see cref="DicomDataset.AddEncapsulatedPixelData"/>.
    /// </summary>
    public static void Write(Stream stream, DicomDataset dataset, TransferSyntax? transferSyntax = null)
    {
        var ts = transferSyntax ?? TransferSyntax.ExplicitVRLittleEndian;
        var encapsulatedPixels = dataset.TryGetElement(DicomTags.PixelData, out var pixels) && pixels.Fragments is not null;
        if (ts.IsImplicitVR || ts.IsBigEndian || ts.IsDeflated || encapsulatedPixels != ts.IsEncapsulated)
        {
            throw new DicomException(
                $"Cannot write {ts}: the writer produces explicit VR little endian, with an encapsulated syntax exactly when the pixel data is encapsulated.");
        }

        Write(stream, dataset, null, ts);
    }

    /// <summary>Writes a file read earlier (or assembled), keeping its encapsulated transfer syntax if it has one.</summary>
    public static void Write(Stream stream, DicomFile file)
    {
        var ts = file.Dataset.TryGetElement(DicomTags.PixelData, out var pixels) && pixels.Fragments is not null
            ? file.TransferSyntax
            : TransferSyntax.ExplicitVRLittleEndian;
        Write(stream, file.Dataset, file.FileMetaInformation, ts);
    }

    private static void Write(Stream stream, DicomDataset dataset, DicomDataset? sourceMeta, TransferSyntax transferSyntax)
    {
        var sopClass = dataset.GetStringOrNull(DicomTags.SOPClassUID) ?? sourceMeta?.GetStringOrNull(DicomTags.MediaStorageSOPClassUID);
        var sopInstance = dataset.GetStringOrNull(DicomTags.SOPInstanceUID) ?? sourceMeta?.GetStringOrNull(DicomTags.MediaStorageSOPInstanceUID);
        if (string.IsNullOrEmpty(sopClass) || string.IsNullOrEmpty(sopInstance))
        {
            throw new DicomException("A Part 10 file needs SOP Class UID (0008,0016) and SOP Instance UID (0008,0018) in the data set.");
        }

        var meta = new DicomDataset()
            .Add(DicomTags.FileMetaInformationVersion, DicomVR.OB, new byte[] { 0, 1 })
            .Add(DicomTags.MediaStorageSOPClassUID, sopClass)
            .Add(DicomTags.MediaStorageSOPInstanceUID, sopInstance)
            .Add(DicomTags.TransferSyntaxUID, transferSyntax.Uid)
            .Add(DicomTags.ImplementationClassUID, DicomUid.ImplementationClassUid)
            .Add(DicomTags.ImplementationVersionName, DicomUid.ImplementationVersionName);
        if (sourceMeta?.GetStringOrNull(DicomTags.SourceApplicationEntityTitle) is { Length: > 0 } aet)
        {
            meta.Add(DicomTags.SourceApplicationEntityTitle, aet);
        }

        var output = new BufferedStream(stream, 64 * 1024);
        output.Write(new byte[128]);
        output.Write("DICM"u8);

        // Meta group: (0002,0000) holds the byte count of the elements after it.
        var metaBody = new MemoryStream();
        WriteDataset(metaBody, meta, isMeta: true);
        Span<byte> groupLength = stackalloc byte[12];
        WriteHeader(groupLength, DicomTags.FileMetaInformationGroupLength, DicomVR.UL, 4, out _);
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength[8..], (uint)metaBody.Length);
        output.Write(groupLength);
        metaBody.Position = 0;
        metaBody.CopyTo(output);

        WriteDataset(output, dataset, isMeta: false);
        output.Flush();
    }

    private sealed class Frame
    {
        public DicomElement[]? Elements;
        public DicomDataset? Dataset;
        public IReadOnlyList<DicomDataset>? Items;
        public int Next;
        public bool IsItem;
    }

    /// <summary>Writes the elements of a data set; nested sequences go through an explicit stack, not recursion.</summary>
    private static void WriteDataset(Stream output, DicomDataset root, bool isMeta)
    {
        var stack = new Stack<Frame>();
        stack.Push(new Frame { Elements = Sorted(root), Dataset = root });
        Span<byte> header = stackalloc byte[12];
        while (stack.Count > 0)
        {
            var frame = stack.Peek();
            if (frame.Items is { } items)
            {
                if (frame.Next < items.Count)
                {
                    var item = items[frame.Next++];
                    WriteItemHeader(output, DicomTags.Item, DicomElement.UndefinedLength);
                    stack.Push(new Frame { Elements = Sorted(item), Dataset = item, IsItem = true });
                }
                else
                {
                    stack.Pop();
                    WriteItemHeader(output, DicomTags.SequenceDelimitationItem, 0);
                }

                continue;
            }

            if (frame.Next >= frame.Elements!.Length)
            {
                stack.Pop();
                if (frame.IsItem)
                {
                    WriteItemHeader(output, DicomTags.ItemDelimitationItem, 0);
                }

                continue;
            }

            var e = frame.Elements[frame.Next++];
            var ds = frame.Dataset!;
            if (!isMeta && (e.Tag.Element == 0x0000 || e.Tag.Group == 0x0002))
            {
                continue; // group lengths are retired in data sets; meta elements belong to the meta group only
            }

            if (e.Items is { } sequenceItems)
            {
                WriteHeader(header, e.Tag, DicomVR.SQ, DicomElement.UndefinedLength, out var n);
                output.Write(header[..n]);
                stack.Push(new Frame { Items = sequenceItems });
                continue;
            }

            if (e.Fragments is { } fragments)
            {
                WriteFragments(output, e, fragments, header);
                continue;
            }

            if (!e.IsValueLoaded)
            {
                throw new DicomException($"The value of {e.Tag} was not loaded (read with PixelDataMode.Load to write it).");
            }

            var vr = e.VR == DicomVR.None ? DicomVR.UN : e.VR;
            var value = ds.IsBigEndian ? DicomValueEncoder.ToLittleEndian(vr, e.RawValue) : e.RawValue;
            var padded = value.Length + (value.Length & 1);
            if (!DicomVRInfo.HasLongLength(vr) && padded > 0xFFFF)
            {
                vr = DicomVR.UN; // too long for a 2-byte length: UN keeps the bytes (PS3.5 6.2.2)
            }

            WriteHeader(header, e.Tag, vr, (uint)padded, out var headerLength);
            output.Write(header[..headerLength]);
            output.Write(value.Span);
            if ((value.Length & 1) == 1)
            {
                output.WriteByte(DicomVRInfo.PaddingByte(vr));
            }
        }
    }

    private static void WriteFragments(Stream output, DicomElement e, DicomFragments fragments, Span<byte> header)
    {
        WriteHeader(header, e.Tag, DicomVR.OB, DicomElement.UndefinedLength, out var n);
        output.Write(header[..n]);
        foreach (var fragment in fragments.Fragments.Prepend(fragments.BasicOffsetTableItem))
        {
            if (!fragment.IsLoaded)
            {
                throw new DicomException($"The fragments of {e.Tag} were not loaded (read with PixelDataMode.Load to write them).");
            }

            WriteItemHeader(output, DicomTags.Item, (uint)(fragment.Data.Length + (fragment.Data.Length & 1)));
            output.Write(fragment.Data.Span);
            if ((fragment.Data.Length & 1) == 1)
            {
                output.WriteByte(0);
            }
        }

        WriteItemHeader(output, DicomTags.SequenceDelimitationItem, 0);
    }

    private static DicomElement[] Sorted(DicomDataset ds)
    {
        var elements = ds.AsSpan().ToArray();
        Array.Sort(elements, (a, b) => a.Tag.Value.CompareTo(b.Tag.Value));
        return elements;
    }

    /// <summary>Item, item delimiter or sequence delimiter: tag and 4-byte length, no VR.</summary>
    private static void WriteItemHeader(Stream output, DicomTag tag, uint length)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(b, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(b[2..], tag.Element);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], length);
        output.Write(b);
    }

    private static void WriteHeader(Span<byte> header, DicomTag tag, DicomVR vr, uint length, out int headerLength)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(header, tag.Group);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], tag.Element);
        var code = vr.ToString();
        header[4] = (byte)code[0];
        header[5] = (byte)code[1];
        if (DicomVRInfo.HasLongLength(vr))
        {
            header[6] = 0;
            header[7] = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], length);
            headerLength = 12;
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)length);
            headerLength = 8;
        }
    }
}
