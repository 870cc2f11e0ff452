namespace VNCH.Network.Dicom;

/// <summary>
/// The element-level state machine. Sequences and items are frames on an explicit stack, so hostile nesting
/// costs heap, not call stack, and stops at <see cref="DicomReadOptions.MaxNestingDepth"/>.
/// </summary>
internal sealed class DatasetParser
{
    private const uint ItemTag = 0xFFFEE000;
    private const uint ItemDelimitationTag = 0xFFFEE00D;
    private const uint SequenceDelimitationTag = 0xFFFEE0DD;

    private readonly ByteSource _src;
    private readonly DicomReadOptions _options;
    private readonly bool _offsetsInSource;

    public DatasetParser(ByteSource source, DicomReadOptions options, bool offsetsInSource)
    {
        _src = source;
        _options = options;
        _offsetsInSource = offsetsInSource;
    }

    public DicomPixelData? PixelData { get; private set; }

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

    public void Parse(DicomDataset root, bool implicitVR, bool rootBigEndian, bool isMeta)
    {
        var stack = new Stack<Frame>();
        stack.Push(new Frame { Dataset = root, Implicit = implicitVR, BigEndian = rootBigEndian, CheckEncoding = true, IsRoot = true });
        var depth = 0;
        var src = _src;

        while (stack.Count > 0)
        {
            var f = stack.Peek();
            var pos = src.Position;

            if (f.Items is not null)
            {
                // ---- inside a sequence: expect items or the sequence delimiter
                if (f.End >= 0 && pos >= f.End)
                {
                    stack.Pop();
                    depth--;
                    continue;
                }

                if (!src.TryEnsure(8))
                {
                    if (f.End < 0 && src.Remaining < 8)
                    {
                        stack.Pop(); // undefined-length sequence running to the end of data: tolerated (as pydicom)
                        depth--;
                        continue;
                    }

                    throw Truncated(f.SequenceTag, pos, "a sequence item header");
                }

                var tag = src.PeekUInt32Tag(f.BigEndian);
                var length = src.PeekUInt32(4, f.BigEndian);
                src.Advance(8);
                if (tag == SequenceDelimitationTag)
                {
                    stack.Pop();
                    depth--;
                    continue;
                }

                if (tag == ItemDelimitationTag)
                {
                    continue; // stray item delimiter between items
                }

                if (tag != ItemTag)
                {
                    throw new DicomFormatException(
                        $"Expected a sequence item (FFFE,E000) in sequence {f.SequenceTag} but found {new DicomTag(tag)}", new DicomTag(tag), pos);
                }

                var itemEnd = -1L;
                if (length != DicomElement.UndefinedLength)
                {
                    itemEnd = src.Position + length;
                    if (length > src.Remaining)
                    {
                        itemEnd = src.Position + TruncatedLength(f.SequenceTag, pos, length, "item");
                    }

                    if (f.End >= 0 && itemEnd > f.End)
                    {
                        // The item overruns its sequence's declared length but not the data: read the whole item
                        // and end the sequence after it (pydicom does the same; seen in DICOMDIR writers).
                        Warn($"Item of sequence {f.SequenceTag} at byte offset {pos} ends {itemEnd - f.End} bytes after the sequence's declared end");
                        f.End = itemEnd;
                    }
                }

                var item = new DicomDataset(8) { Parent = f.Owner, IsBigEndian = f.BigEndian };
                f.Items.Add(item);
                stack.Push(new Frame { Dataset = item, End = itemEnd, Implicit = f.Implicit, BigEndian = f.BigEndian, CheckEncoding = true });
                continue;
            }

            // ---- inside a data set (root or item)
            var ds = f.Dataset!;
            if (f.End >= 0 && pos >= f.End)
            {
                stack.Pop();
                continue;
            }

            if (!src.TryEnsure(8))
            {
                if (f.IsRoot || (src.Remaining < 8 && (f.End < 0 || _options.TolerateTruncation)))
                {
                    stack.Pop(); // trailing bytes shorter than a header are ignored (as pydicom and dcmtk do)
                    continue;
                }

                throw Truncated(null, pos, "an element header");
            }

            if (f.CheckEncoding)
            {
                f.CheckEncoding = false;
                DetectVREncoding(f, isMeta);
            }

            var bigEndian = f.BigEndian;
            var rawTag = src.PeekUInt32Tag(bigEndian);
            var group = (ushort)(rawTag >> 16);
            if (isMeta && group != 0x0002)
            {
                return;
            }

            if (f.IsRoot && _options.StopAfterTag is { } stop && rawTag > stop.Value)
            {
                return;
            }

            var elementTag = new DicomTag(rawTag);
            if (group == 0xFFFE)
            {
                src.Advance(8);
                if (rawTag == ItemDelimitationTag)
                {
                    if (!f.IsRoot)
                    {
                        stack.Pop();
                    }

                    continue;
                }

                if (rawTag == SequenceDelimitationTag)
                {
                    if (!f.IsRoot)
                    {
                        // Missing item delimiter: the sequence delimiter closes the item and its sequence.
                        stack.Pop();
                        if (stack.Count > 0 && stack.Peek().Items is not null && stack.Peek().End < 0)
                        {
                            stack.Pop();
                            depth--;
                        }
                    }

                    continue;
                }

                throw new DicomFormatException("Unexpected sequence item outside a sequence", elementTag, pos);
            }

            DicomVR fileVR;
            uint valueLength;
            int headerLength;
            if (f.Implicit)
            {
                fileVR = DicomVR.None;
                valueLength = src.PeekUInt32(4, bigEndian);
                headerLength = 8;
            }
            else
            {
                fileVR = DicomVRInfo.FromCode(src.PeekByte(4), src.PeekByte(5));
                if (fileVR != DicomVR.None && DicomVRInfo.HasLongLength(fileVR))
                {
                    if (!src.TryEnsure(12))
                    {
                        throw Truncated(elementTag, pos, "an element header");
                    }

                    valueLength = src.PeekUInt32(8, bigEndian);
                    headerLength = 12;
                }
                else
                {
                    valueLength = src.PeekUInt16(6, bigEndian);
                    headerLength = 8;
                }
            }

            src.Advance(headerLength);
            var valueOffset = src.Position;
            var vr = ResolveVR(elementTag, fileVR, f.Implicit, valueLength, ds);

            if (valueLength == DicomElement.UndefinedLength)
            {
                var nextIsItem = src.TryEnsure(4) && src.PeekUInt32Tag(fileVR == DicomVR.UN ? false : bigEndian) == ItemTag;
                if (vr == DicomVR.SQ || (vr == DicomVR.UN && nextIsItem) || (fileVR == DicomVR.UN && nextIsItem))
                {
                    depth = PushSequence(stack, ds, elementTag, fileVR, valueLength, valueOffset, -1, f, depth);
                    continue;
                }

                if (nextIsItem)
                {
                    if (f.IsRoot && IsPixelDataTag(rawTag) && !isMeta)
                    {
                        if (ReadEncapsulatedPixelData(ds, elementTag, vr, fileVR, valueOffset, bigEndian))
                        {
                            return; // Skip mode stops at the pixel data
                        }
                    }
                    else
                    {
                        ds.Append(ReadFragments(elementTag, vr, fileVR, valueOffset, bigEndian, load: true));
                    }

                    continue;
                }

                ds.Append(ReadUntilDelimiter(elementTag, vr, fileVR, valueOffset, bigEndian));
                continue;
            }

            var remaining = f.End >= 0 ? Math.Min(src.Remaining, f.End - valueOffset) : src.Remaining;
            if (vr == DicomVR.SQ)
            {
                var sequenceLength = (long)valueLength;
                if (valueLength > remaining)
                {
                    if (valueLength <= src.Remaining)
                    {
                        throw new DicomFormatException($"Sequence declares {valueLength} bytes but only {remaining} remain in the enclosing item", elementTag, pos);
                    }

                    sequenceLength = TruncatedLength(elementTag, pos, valueLength, "sequence");
                }

                depth = PushSequence(stack, ds, elementTag, fileVR, valueLength, valueOffset, valueOffset + sequenceLength, f, depth);
                continue;
            }

            if (f.IsRoot && !isMeta && IsPixelDataTag(rawTag))
            {
                if (ReadNativePixelData(ds, elementTag, vr, fileVR, valueLength, valueOffset, remaining))
                {
                    return;
                }

                continue;
            }

            var presentLength = (long)valueLength;
            if (valueLength > remaining)
            {
                if (valueLength <= src.Remaining)
                {
                    throw new DicomFormatException($"Value length {valueLength} exceeds the {remaining} bytes left in the enclosing item", elementTag, pos);
                }

                presentLength = TruncatedLength(elementTag, pos, valueLength, "value");
            }

            if (presentLength > _options.MaxElementLength)
            {
                throw new DicomFormatException($"Value length {valueLength} exceeds MaxElementLength {_options.MaxElementLength}", elementTag, pos);
            }

            if (!src.TryEnsure((int)presentLength))
            {
                throw Truncated(elementTag, pos, $"a value of {valueLength} bytes");
            }

            ds.Append(new DicomElement(elementTag, vr, fileVR, valueLength, valueOffset, src.Take((int)presentLength)));
        }
    }

    private int PushSequence(Stack<Frame> stack, DicomDataset ds, DicomTag tag, DicomVR fileVR, uint length, long valueOffset,
        long end, Frame parent, int depth)
    {
        depth++;
        if (depth > _options.MaxNestingDepth)
        {
            throw new DicomFormatException(
                $"Sequences are nested deeper than the limit of {_options.MaxNestingDepth} (MaxNestingDepth)", tag, valueOffset);
        }

        var items = new List<DicomDataset>();
        ds.Append(new DicomElement(tag, DicomVR.SQ, fileVR, length, valueOffset, ReadOnlyMemory<byte>.Empty, items));

        // A sequence hidden in UN is always implicit VR little endian (PS3.5 6.2.2).
        var asUN = fileVR == DicomVR.UN;
        stack.Push(new Frame
        {
            Items = items,
            Owner = ds,
            SequenceTag = tag,
            End = end,
            Implicit = asUN || parent.Implicit,
            BigEndian = !asUN && parent.BigEndian,
        });
        return depth;
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

    private static bool IsPixelDataTag(uint tag) => tag is 0x7FE00010 or 0x7FE00008 or 0x7FE00009;

    /// <summary>The effective VR: explicit VR as written, else the dictionary's (pydicom's rules for implicit VR and UN).</summary>
    private static DicomVR ResolveVR(DicomTag tag, DicomVR fileVR, bool implicitVR, uint length, DicomDataset ds)
    {
        // Explicit VR as written; a code that is not a VR (e.g. two spaces) is looked up like implicit VR (dcmtk
        // keeps the 2-byte length too); UN is replaced by the dictionary VR when known (pydicom's rule).
        if (!implicitVR && fileVR != DicomVR.None)
        {
            if (fileVR != DicomVR.UN)
            {
                return fileVR;
            }

            if (!tag.IsPrivate && length != DicomElement.UndefinedLength && length >= 0xFFFF)
            {
                return DicomVR.UN;
            }
        }

        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? DicomVR.LO : PrivateVR(tag, ds);
        }

        var vr = DicomDictionary.GetVR(tag);
        if (DicomDictionary.IsAmbiguous(tag))
        {
            vr = ResolveAmbiguous(tag, vr, length, ds);
        }

        return vr;
    }

    private static DicomVR PrivateVR(DicomTag tag, DicomDataset ds)
    {
        if ((tag.Element & 0xFF00) == 0)
        {
            return DicomVR.UN;
        }

        var creatorTag = new DicomTag(tag.Group, (ushort)(tag.Element >> 8));
        if (!ds.TryGetElement(creatorTag, out var creatorElement))
        {
            return DicomVR.UN;
        }

        var creator = System.Text.Encoding.Latin1.GetString(creatorElement.RawValue.Span).TrimEnd(' ', '\0');
        if (creator.Length == 0)
        {
            return DicomVR.UN;
        }

        var vr = DicomPrivateDictionary.GetVR(tag, creator);
        if (vr is DicomVR.None)
        {
            return DicomVR.UN;
        }

        return vr;
    }

    private static DicomVR ResolveAmbiguous(DicomTag tag, DicomVR first, uint length, DicomDataset ds)
    {
        var options = DicomDictionary.GetVRs(tag);
        if (options.Contains(DicomVR.OB) && options.Contains(DicomVR.OW))
        {
            return length == DicomElement.UndefinedLength ? DicomVR.OB : DicomVR.OW;
        }

        if (options.Contains(DicomVR.SS) && options.Contains(DicomVR.US) && !options.Contains(DicomVR.OW))
        {
            for (var d = ds; d is not null; d = d.Parent)
            {
                if (d.TryGetElement(DicomTags.PixelRepresentation, out _))
                {
                    return d.GetInt32OrDefault(DicomTags.PixelRepresentation, 0) == 0 ? DicomVR.US : DicomVR.SS;
                }
            }

            return DicomVR.US;
        }

        if (tag == DicomTags.LUTData)
        {
            return ds.TryGetInt32(DicomTags.LUTDescriptor, out var entries) && entries == 1 ? DicomVR.US : DicomVR.OW;
        }

        return options.Contains(DicomVR.OW) ? DicomVR.OW : first;
    }

    private bool ReadNativePixelData(DicomDataset ds, DicomTag tag, DicomVR vr, DicomVR fileVR, uint length, long valueOffset, long remaining)
    {
        var present = (long)length;
        if (length > remaining)
        {
            if (length <= _src.Remaining)
            {
                throw new DicomFormatException($"Pixel data length {length} exceeds the {remaining} bytes left", tag, valueOffset);
            }

            present = TruncatedLength(tag, valueOffset, length, "pixel data");
        }

        DicomElement element;
        var stop = false;
        if (_options.PixelDataMode == PixelDataMode.Skip)
        {
            element = new DicomElement(tag, vr, fileVR, length, valueOffset, ReadOnlyMemory<byte>.Empty, valueLoaded: false);
            stop = true;
        }
        else if (_options.PixelDataMode == PixelDataMode.Reference && _src.IsRereadable && _offsetsInSource)
        {
            _src.Skip(present);
            element = new DicomElement(tag, vr, fileVR, length, valueOffset, ReadOnlyMemory<byte>.Empty, valueLoaded: false);
        }
        else
        {
            if (present > _options.MaxElementLength)
            {
                throw new DicomFormatException($"Pixel data of {present} bytes exceeds MaxElementLength {_options.MaxElementLength}; read it with PixelDataMode.Reference", tag, valueOffset);
            }

            if (!_src.TryEnsure((int)present))
            {
                throw Truncated(tag, valueOffset, $"{present} bytes of pixel data");
            }

            element = new DicomElement(tag, vr, fileVR, length, valueOffset, _src.Take((int)present));
        }

        ds.Append(element);
        PixelData = new DicomPixelData(element, null, _offsetsInSource, ExtendedTable(ds, DicomTags.ExtendedOffsetTable), ExtendedTable(ds, DicomTags.ExtendedOffsetTableLengths));
        return stop;
    }

    private bool ReadEncapsulatedPixelData(DicomDataset ds, DicomTag tag, DicomVR vr, DicomVR fileVR, long valueOffset, bool bigEndian)
    {
        if (_options.PixelDataMode == PixelDataMode.Skip)
        {
            var skipped = new DicomElement(tag, vr, fileVR, DicomElement.UndefinedLength, valueOffset, ReadOnlyMemory<byte>.Empty, valueLoaded: false);
            ds.Append(skipped);
            PixelData = new DicomPixelData(skipped, null, _offsetsInSource, ExtendedTable(ds, DicomTags.ExtendedOffsetTable), ExtendedTable(ds, DicomTags.ExtendedOffsetTableLengths));
            return true;
        }

        var load = _options.PixelDataMode == PixelDataMode.Load || !_src.IsRereadable || !_offsetsInSource;
        var element = ReadFragments(tag, vr, fileVR, valueOffset, bigEndian, load);
        ds.Append(element);
        PixelData = new DicomPixelData(element, element.Fragments, _offsetsInSource, ExtendedTable(ds, DicomTags.ExtendedOffsetTable), ExtendedTable(ds, DicomTags.ExtendedOffsetTableLengths));
        return false;
    }

    private static ulong[]? ExtendedTable(DicomDataset ds, DicomTag tag) => ds.Contains(tag) ? ds.GetValues<ulong>(tag) : null;

    /// <summary>Items of encapsulated data (PS3.5 A.4), read flat up to the sequence delimiter.</summary>
    private DicomElement ReadFragments(DicomTag tag, DicomVR vr, DicomVR fileVR, long valueOffset, bool bigEndian, bool load)
    {
        var src = _src;
        DicomFragment? offsetTable = null;
        var fragments = new List<DicomFragment>();
        while (true)
        {
            var pos = src.Position;
            if (!src.TryEnsure(8))
            {
                if (src.Remaining == 0 || src.Remaining < 8)
                {
                    break; // missing sequence delimiter at the end of data: tolerated (pydicom, dcmtk)
                }

                throw Truncated(tag, pos, "a fragment item header");
            }

            var itemTag = src.PeekUInt32Tag(bigEndian);
            var length = src.PeekUInt32(4, bigEndian);
            src.Advance(8);
            if (itemTag == SequenceDelimitationTag)
            {
                break;
            }

            if (itemTag != ItemTag)
            {
                throw new DicomFormatException($"Expected a fragment item (FFFE,E000) in encapsulated {tag} but found {new DicomTag(itemTag)}", tag, pos);
            }

            if (length == DicomElement.UndefinedLength || length > src.Remaining)
            {
                throw new DicomFormatException($"Fragment of {tag} declares {(length == DicomElement.UndefinedLength ? "an undefined" : length.ToString(System.Globalization.CultureInfo.InvariantCulture))} length with {src.Remaining} bytes left", tag, pos);
            }

            var offset = src.Position;
            DicomFragment fragment;
            if (load || offsetTable is null)
            {
                if (length > _options.MaxElementLength || !src.TryEnsure((int)length))
                {
                    throw Truncated(tag, pos, $"a fragment of {length} bytes");
                }

                fragment = new DicomFragment(offset, length, src.Take((int)length), true);
            }
            else
            {
                src.Skip(length);
                fragment = new DicomFragment(offset, length, ReadOnlyMemory<byte>.Empty, false);
            }

            if (offsetTable is null)
            {
                offsetTable = fragment;
            }
            else
            {
                fragments.Add(fragment);
            }
        }

        var table = offsetTable ?? new DicomFragment(valueOffset, 0, ReadOnlyMemory<byte>.Empty, true);
        return new DicomElement(tag, vr, fileVR, DicomElement.UndefinedLength, valueOffset, ReadOnlyMemory<byte>.Empty,
            new DicomFragments(table, fragments), load);
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
            if (searched > _options.MaxElementLength || want <= searched)
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
