namespace VNCH.Network.Dicom;

/// <summary>
/// The element-level state machine. Sequences and items are frames on an explicit stack, so hostile nesting
/// costs heap, not call stack, and stops at <see cref="DicomReadOptions.MaxNestingDepth"/>.
/// </summary>
/// <remarks>
/// Split by what is being parsed: this file holds the loop, the elements of a data set (header, value, delimiters);
/// DatasetParser.Sequences.cs the sequence and item frames; DatasetParser.PixelData.cs native and encapsulated pixel
/// data; DatasetParser.ValueRepresentation.cs the effective VR. Each step is a plain instance call on a sealed class:
/// no closures, no per-element allocation beyond the element itself.
/// </remarks>
internal sealed partial class DatasetParser
{
    private const uint ItemTag = 0xFFFEE000;
    private const uint ItemDelimitationTag = 0xFFFEE00D;
    private const uint SequenceDelimitationTag = 0xFFFEE0DD;

    private readonly ByteSource _src;
    private readonly DicomReadOptions _options;
    private readonly bool _offsetsInSource;
    private readonly Stack<Frame> _frames = new();

    /// <summary>Sequences open on <see cref="_frames"/>, held against <see cref="DicomReadOptions.MaxNestingDepth"/>.</summary>
    private int _depth;

    public DatasetParser(ByteSource source, DicomReadOptions options, bool offsetsInSource)
    {
        _src = source;
        _options = options;
        _offsetsInSource = offsetsInSource;
    }

    public DicomPixelData? PixelData { get; private set; }

    /// <summary>A data set (root or item) being filled, or a sequence (<see cref="Items"/> set) collecting items.</summary>
    private sealed class Frame
    {
        public DicomDataset? Dataset;
        public List<DicomDataset>? Items;
        public DicomDataset? Owner;
        public DicomTag SequenceTag;
        public long End = -1;
        public bool Implicit;
        public bool BigEndian;
        public bool CheckEncoding;
        public bool IsRoot;
    }

    /// <summary>After one element: go on, or stop the whole parse (end of the meta group, StopAfterTag, skipped pixel data).</summary>
    private enum Step
    {
        Continue,
        Stop,
    }

    /// <summary>An element's header as read (PS3.5 7.1): <see cref="Position"/> is where it starts, <see cref="ValueOffset"/> where its value does.</summary>
    private readonly record struct ElementHeader(DicomTag Tag, uint RawTag, DicomVR FileVR, uint ValueLength, long Position, long ValueOffset);

    public void Parse(DicomDataset root, bool implicitVR, bool rootBigEndian, bool isMeta)
    {
        _frames.Clear();
        _frames.Push(new Frame { Dataset = root, Implicit = implicitVR, BigEndian = rootBigEndian, CheckEncoding = true, IsRoot = true });
        _depth = 0;

        while (_frames.Count > 0)
        {
            var frame = _frames.Peek();
            if (frame.Items is not null)
            {
                ReadSequenceItemHeader(frame);
            }
            else if (ReadDatasetElement(frame, isMeta) == Step.Stop)
            {
                return;
            }
        }
    }

    /// <summary>One element of a data set (root or item), or the end of that data set.</summary>
    private Step ReadDatasetElement(Frame f, bool isMeta)
    {
        var src = _src;
        var pos = src.Position;
        if (f.End >= 0 && pos >= f.End)
        {
            _frames.Pop();
            return Step.Continue;
        }

        if (!src.TryEnsure(8))
        {
            if (f.IsRoot || (src.Remaining < 8 && (f.End < 0 || _options.TolerateTruncation)))
            {
                _frames.Pop(); // trailing bytes shorter than a header are ignored (as pydicom and dcmtk do)
                return Step.Continue;
            }

            throw Truncated(null, pos, "an element header");
        }

        if (f.CheckEncoding)
        {
            f.CheckEncoding = false;
            DetectVREncoding(f, isMeta);
        }

        var rawTag = src.PeekUInt32Tag(f.BigEndian);
        var group = (ushort)(rawTag >> 16);
        if (isMeta && group != 0x0002)
        {
            return Step.Stop;
        }

        if (f.IsRoot && _options.StopAfterTag is { } stop && rawTag > stop.Value)
        {
            return Step.Stop;
        }

        if (group == 0xFFFE)
        {
            ReadDelimiterInDataset(f, rawTag, pos);
            return Step.Continue;
        }

        var header = ReadElementHeader(f, rawTag, pos);
        var vr = ResolveVR(header.Tag, header.FileVR, f.Implicit, header.ValueLength, f.Dataset!);
        return header.ValueLength == DicomElement.UndefinedLength
            ? ReadUndefinedLengthValue(f, header, vr, isMeta)
            : ReadDefinedLengthValue(f, header, vr, isMeta);
    }

    /// <summary>Tag, VR (explicit only) and value length; leaves the source at the value.</summary>
    private ElementHeader ReadElementHeader(Frame f, uint rawTag, long pos)
    {
        var src = _src;
        var tag = new DicomTag(rawTag);
        DicomVR fileVR;
        uint valueLength;
        int headerLength;
        if (f.Implicit)
        {
            fileVR = DicomVR.None;
            valueLength = src.PeekUInt32(4, f.BigEndian);
            headerLength = 8;
        }
        else
        {
            fileVR = DicomVRInfo.FromCode(src.PeekByte(4), src.PeekByte(5));
            if (fileVR != DicomVR.None && DicomVRInfo.HasLongLength(fileVR))
            {
                if (!src.TryEnsure(12))
                {
                    throw Truncated(tag, pos, "an element header");
                }

                valueLength = src.PeekUInt32(8, f.BigEndian);
                headerLength = 12;
            }
            else
            {
                valueLength = src.PeekUInt16(6, f.BigEndian);
                headerLength = 8;
            }
        }

        src.Advance(headerLength);
        return new ElementHeader(tag, rawTag, fileVR, valueLength, pos, src.Position);
    }

    /// <summary>pydicom's rule: the first element of each data set shows whether its VR is explicit.</summary>
    private void DetectVREncoding(Frame f, bool isMeta)
    {
        if (!_src.TryEnsure(6))
        {
            return;
        }

        var b0 = _src.PeekByte(4);
        var b1 = _src.PeekByte(5);
        var looksImplicit = !(b0 is > 0x40 and < 0x5B && b1 is > 0x40 and < 0x5B);
        if (looksImplicit == f.Implicit)
        {
            return;
        }

        var group = (ushort)(_src.PeekUInt32Tag(f.BigEndian) >> 16);
        if (isMeta && group != 0x0002)
        {
            return;
        }

        if (group == 0xFFFE)
        {
            return;
        }

        f.Implicit = looksImplicit;
    }

    /// <summary>A delimiter met among a data set's elements (group FFFE): it closes an item, or is out of place.</summary>
    private void ReadDelimiterInDataset(Frame f, uint rawTag, long pos)
    {
        _src.Advance(8);
        if (rawTag == ItemDelimitationTag)
        {
            if (!f.IsRoot)
            {
                _frames.Pop();
            }

            return;
        }

        if (rawTag == SequenceDelimitationTag)
        {
            if (!f.IsRoot)
            {
                // Missing item delimiter: the sequence delimiter closes the item and its sequence.
                _frames.Pop();
                if (_frames.Count > 0 && _frames.Peek().Items is not null && _frames.Peek().End < 0)
                {
                    CloseSequence();
                }
            }

            return;
        }

        throw new DicomFormatException("Unexpected sequence item outside a sequence", new DicomTag(rawTag), pos);
    }

    /// <summary>An undefined length: a sequence, encapsulated pixel data or other fragments, or bytes up to a delimiter.</summary>
    private Step ReadUndefinedLengthValue(Frame f, in ElementHeader header, DicomVR vr, bool isMeta)
    {
        var ds = f.Dataset!;
        var nextIsItem = _src.TryEnsure(4) && _src.PeekUInt32Tag(header.FileVR == DicomVR.UN ? false : f.BigEndian) == ItemTag;
        if (vr == DicomVR.SQ || (vr == DicomVR.UN && nextIsItem) || (header.FileVR == DicomVR.UN && nextIsItem))
        {
            OpenSequence(f, header, end: -1);
            return Step.Continue;
        }

        if (nextIsItem)
        {
            if (f.IsRoot && IsPixelDataTag(header.RawTag) && !isMeta)
            {
                // Skip mode stops at the pixel data
                return ReadEncapsulatedPixelData(ds, header.Tag, vr, header.FileVR, header.ValueOffset, f.BigEndian) ? Step.Stop : Step.Continue;
            }

            ds.Append(ReadFragments(header.Tag, vr, header.FileVR, header.ValueOffset, f.BigEndian, load: true));
            return Step.Continue;
        }

        ds.Append(ReadUntilDelimiter(header.Tag, vr, header.FileVR, header.ValueOffset, f.BigEndian));
        return Step.Continue;
    }

    /// <summary>A defined length: a sequence, native pixel data, or (the common case) a value read whole.</summary>
    private Step ReadDefinedLengthValue(Frame f, in ElementHeader header, DicomVR vr, bool isMeta)
    {
        var remaining = f.End >= 0 ? Math.Min(_src.Remaining, f.End - header.ValueOffset) : _src.Remaining;
        if (vr == DicomVR.SQ)
        {
            OpenSequence(f, header, header.ValueOffset + DefinedSequenceLength(header, remaining));
            return Step.Continue;
        }

        if (f.IsRoot && !isMeta && IsPixelDataTag(header.RawTag))
        {
            return ReadNativePixelData(f.Dataset!, header.Tag, vr, header.FileVR, header.ValueLength, header.ValueOffset, remaining)
                ? Step.Stop
                : Step.Continue;
        }

        f.Dataset!.Append(ReadValue(header, vr, remaining));
        return Step.Continue;
    }

    /// <summary>The value of a plain element, <paramref name="remaining"/> being what the enclosing item leaves.</summary>
    private DicomElement ReadValue(in ElementHeader header, DicomVR vr, long remaining)
    {
        var valueLength = header.ValueLength;
        var presentLength = (long)valueLength;
        if (valueLength > remaining)
        {
            if (valueLength <= _src.Remaining)
            {
                throw new DicomFormatException($"Value length {valueLength} exceeds the {remaining} bytes left in the enclosing item", header.Tag, header.Position);
            }

            presentLength = TruncatedLength(header.Tag, header.Position, valueLength, "value");
        }

        if (presentLength > _options.MaxElementLength)
        {
            throw new DicomLimitExceededException(DicomLimit.ElementLength, $"Value length {valueLength} exceeds MaxElementLength {_options.MaxElementLength}", header.Tag, header.ValueOffset, presentLength);
        }

        if (!_src.TryEnsure((int)presentLength))
        {
            throw Truncated(header.Tag, header.Position, $"a value of {valueLength} bytes");
        }

        return new DicomElement(header.Tag, vr, header.FileVR, valueLength, header.ValueOffset, _src.Take((int)presentLength));
    }

    /// <summary>An undefined-length value that is neither a sequence nor fragments: bytes up to (FFFE,E0DD).</summary>
    private DicomElement ReadUntilDelimiter(DicomTag tag, DicomVR vr, DicomVR fileVR, long valueOffset, bool bigEndian)
    {
        ReadOnlySpan<byte> pattern = bigEndian ? [0xFF, 0xFE, 0xE0, 0xDD] : [0xFE, 0xFF, 0xDD, 0xE0];
        var searched = 0;
        while (true)
        {
            var span = _src.AvailableSpan;
            var at = span[Math.Max(0, searched - 3)..].IndexOf(pattern);
            if (at >= 0)
            {
                var index = Math.Max(0, searched - 3) + at;
                if (!_src.TryEnsure(index + 8))
                {
                    throw Truncated(tag, valueOffset, "the sequence delimiter");
                }

                var value = _src.Take(index);
                _src.Advance(8);
                return new DicomElement(tag, vr, fileVR, DicomElement.UndefinedLength, valueOffset, value);
            }

            searched = span.Length;

            // Grow the window geometrically so a long value without a delimiter costs linear time, not quadratic.
            var want = Math.Min(Math.Max(searched * 2L, searched + 64L * 1024), Math.Min(int.MaxValue - 64, _src.Remaining));
            if (searched > _options.MaxElementLength)
            {
                throw new DicomLimitExceededException(DicomLimit.ElementLength, $"Undefined-length value is longer than MaxElementLength {_options.MaxElementLength}", tag, valueOffset);
            }

            if (want <= searched)
            {
                throw new DicomFormatException("Undefined-length value has no sequence delimiter before the end of data", tag, valueOffset);
            }

            _src.TryEnsure((int)want); // at the end of the data this keeps what it could read; searched again below
            if (_src.AvailableSpan.Length <= searched)
            {
                throw new DicomFormatException("Undefined-length value has no sequence delimiter before the end of data", tag, valueOffset);
            }
        }
    }

    public bool IsTruncated { get; private set; }

    public List<string> Warnings { get; } = [];

    private void Warn(string message)
    {
        if (Warnings.Count < 100)
        {
            Warnings.Add(message);
        }
    }

    /// <summary>A length running past the end of the data: an error, or (TolerateTruncation) cut at the end.</summary>
    private long TruncatedLength(DicomTag tag, long offset, uint declared, string what)
    {
        var left = _src.Remaining;
        if (!_options.TolerateTruncation)
        {
            throw new DicomFormatException($"The data is truncated: the {what} declares {declared} bytes but only {left} remain", tag, offset);
        }

        IsTruncated = true;
        Warn($"Truncated {what} {tag} at byte offset {offset}: {declared} bytes declared, {left} present");
        return left;
    }

    private static DicomFormatException Truncated(DicomTag? tag, long offset, string what) =>
        new($"Unexpected end of data while reading {what}", tag, offset);
}
