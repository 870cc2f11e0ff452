namespace VNCH.Network.Dicom;

/// <summary>Sequences (SQ, or UN hiding one) and their items, as frames on <see cref="_frames"/>.</summary>
internal sealed partial class DatasetParser
{
    /// <summary>Inside a sequence: the next item header, the sequence delimiter, or the sequence's end.</summary>
    private void ReadSequenceItemHeader(Frame f)
    {
        var src = _src;
        var pos = src.Position;
        if (f.End >= 0 && pos >= f.End)
        {
            CloseSequence();
            return;
        }

        if (!src.TryEnsure(8))
        {
            if (f.End < 0 && src.Remaining < 8)
            {
                CloseSequence(); // undefined-length sequence running to the end of data: tolerated (as pydicom)
                return;
            }

            throw Truncated(f.SequenceTag, pos, "a sequence item header");
        }

        var tag = src.PeekUInt32Tag(f.BigEndian);
        var length = src.PeekUInt32(4, f.BigEndian);
        src.Advance(8);
        if (tag == SequenceDelimitationTag)
        {
            CloseSequence();
            return;
        }

        if (tag == ItemDelimitationTag)
        {
            return; // stray item delimiter between items
        }

        if (tag != ItemTag)
        {
            throw new DicomFormatException(
                $"Expected a sequence item (FFFE,E000) in sequence {f.SequenceTag} but found {new DicomTag(tag)}", new DicomTag(tag), pos);
        }

        OpenItem(f, length, pos);
    }

    /// <summary>Pushes the item whose header was just read; its elements are read as a data set.</summary>
    private void OpenItem(Frame sequence, uint length, long pos)
    {
        var src = _src;
        var itemEnd = -1L;
        if (length != DicomElement.UndefinedLength)
        {
            itemEnd = src.Position + length;
            if (length > src.Remaining)
            {
                itemEnd = src.Position + TruncatedLength(sequence.SequenceTag, pos, length, "item");
            }

            if (sequence.End >= 0 && itemEnd > sequence.End)
            {
                // The item overruns its sequence's declared length but not the data: read the whole item
                // and end the sequence after it (pydicom does the same; seen in DICOMDIR writers).
                Warn($"Item of sequence {sequence.SequenceTag} at byte offset {pos} ends {itemEnd - sequence.End} bytes after the sequence's declared end");
                sequence.End = itemEnd;
            }
        }

        var item = new DicomDataset(8) { Parent = sequence.Owner, IsBigEndian = sequence.BigEndian };
        sequence.Items!.Add(item);
        _frames.Push(new Frame { Dataset = item, End = itemEnd, Implicit = sequence.Implicit, BigEndian = sequence.BigEndian, CheckEncoding = true });
    }

    /// <summary>A defined-length sequence's length, checked against the enclosing item and the data.</summary>
    private long DefinedSequenceLength(in ElementHeader header, long remaining)
    {
        var valueLength = header.ValueLength;
        if (valueLength <= remaining)
        {
            return valueLength;
        }

        if (valueLength <= _src.Remaining)
        {
            throw new DicomFormatException($"Sequence declares {valueLength} bytes but only {remaining} remain in the enclosing item", header.Tag, header.Position);
        }

        return TruncatedLength(header.Tag, header.Position, valueLength, "sequence");
    }

    /// <summary>Appends the sequence element to <paramref name="parent"/>'s data set and pushes its frame (<paramref name="end"/> -1: undefined length).</summary>
    private void OpenSequence(Frame parent, in ElementHeader header, long end)
    {
        if (++_depth > _options.MaxNestingDepth)
        {
            throw new DicomLimitExceededException(DicomLimit.NestingDepth,
                $"Sequences are nested deeper than the limit of {_options.MaxNestingDepth} (MaxNestingDepth)", header.Tag, header.ValueOffset);
        }

        var ds = parent.Dataset!;
        var items = new List<DicomDataset>();
        ds.Append(new DicomElement(header.Tag, DicomVR.SQ, header.FileVR, header.ValueLength, header.ValueOffset, ReadOnlyMemory<byte>.Empty, items));

        // A sequence hidden in UN is always implicit VR little endian (PS3.5 6.2.2).
        var asUN = header.FileVR == DicomVR.UN;
        _frames.Push(new Frame
        {
            Items = items,
            Owner = ds,
            SequenceTag = header.Tag,
            End = end,
            Implicit = asUN || parent.Implicit,
            BigEndian = !asUN && parent.BigEndian,
        });
    }

    private void CloseSequence()
    {
        _frames.Pop();
        _depth--;
    }
}
