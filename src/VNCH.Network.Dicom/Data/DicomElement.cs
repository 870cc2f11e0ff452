namespace VNCH.Network.Dicom;

/// <summary>
/// One data element as read (or built): tag, VR, the length field from the file, where its value sits in the
/// source, and the raw value bytes in the data set's byte order. Values are converted lazily by
/// <see cref="DicomDataset"/> accessors, so reading allocates no per-element objects.
/// </summary>
public readonly struct DicomElement
{
    public const uint UndefinedLength = 0xFFFFFFFF;

    private readonly object? _children;

    internal DicomElement(DicomTag tag, DicomVR vr, DicomVR fileVR, uint length, long valueOffset,
        ReadOnlyMemory<byte> rawValue, object? children = null, bool valueLoaded = true)
    {
        Tag = tag;
        VR = vr;
        FileVR = fileVR;
        Length = length;
        ValueOffset = valueOffset;
        RawValue = rawValue;
        _children = children;
        IsValueLoaded = valueLoaded;
    }

    public DicomTag Tag { get; }

    /// <summary>The effective VR: the explicit VR, or the dictionary VR for implicit VR and resolved UN elements.</summary>
    public DicomVR VR { get; }

    /// <summary>The VR written in the file (None for implicit VR syntaxes or elements built in memory).</summary>
    public DicomVR FileVR { get; }

    /// <summary>The value length field as found in the file; <see cref="UndefinedLength"/> for undefined length.</summary>
    public uint Length { get; }

    public bool IsUndefinedLength => Length == UndefinedLength;

    /// <summary>Offset of the first value byte in the source stream (inflated stream for deflated syntaxes); -1 if built.</summary>
    public long ValueOffset { get; }

    /// <summary>
    /// The value bytes in the byte order of the data set (empty for sequences and encapsulated data). For an element
    /// read by <see cref="DicomReader"/> this is a slice of the <see cref="DicomFile"/>'s buffer: valid until the file is
    /// disposed (then reading it throws <see cref="ObjectDisposedException"/>); copy it to keep it longer.
    /// </summary>
    public ReadOnlyMemory<byte> RawValue { get; }

    /// <summary>False when the value was referenced (pixel data read with <see cref="PixelDataMode.Reference"/>) or skipped.</summary>
    public bool IsValueLoaded { get; }

    /// <summary>Items of a sequence (SQ, or UN that holds a sequence); null for other elements.</summary>
    public IReadOnlyList<DicomDataset>? Items => _children as IReadOnlyList<DicomDataset>;

    /// <summary>Fragments of encapsulated (undefined length) OB/OW data such as compressed pixel data.</summary>
    public DicomFragments? Fragments => _children as DicomFragments;

    public bool IsSequence => _children is IReadOnlyList<DicomDataset>;

    /// <summary>This element with its value, items and fragments copied into memory of its own.</summary>
    internal DicomElement DeepCopy(DicomDataset owner)
    {
        object? children = _children switch
        {
            IReadOnlyList<DicomDataset> items => items.Select(item => item.DeepCopy(owner)).ToList(),
            DicomFragments fragments => fragments.DeepCopy(),
            _ => null,
        };
        return new DicomElement(Tag, VR, FileVR, Length, ValueOffset, RawValue.ToArray(), children, IsValueLoaded);
    }

    public override string ToString() => $"{Tag} {VR} length {(IsUndefinedLength ? "undefined" : Length.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
}

/// <summary>One item of encapsulated data: where it lies in the source and, if loaded, its bytes (valid while the file is, as <see cref="DicomElement.RawValue"/>).</summary>
public readonly record struct DicomFragment(long Offset, uint Length, ReadOnlyMemory<byte> Data, bool IsLoaded)
{
    internal DicomFragment DeepCopy() => this with { Data = Data.ToArray() };
}

/// <summary>Encapsulated data (PS3.5 A.4): the Basic Offset Table item and the fragment items that follow it.</summary>
public sealed class DicomFragments
{
    internal DicomFragments(DicomFragment basicOffsetTableItem, IReadOnlyList<DicomFragment> fragments)
    {
        BasicOffsetTableItem = basicOffsetTableItem;
        Fragments = fragments;
    }

    internal DicomFragments DeepCopy() => new(BasicOffsetTableItem.DeepCopy(), [.. Fragments.Select(f => f.DeepCopy())]);

    /// <summary>The first item (may be empty).</summary>
    public DicomFragment BasicOffsetTableItem { get; }

    /// <summary>The items after the offset table, in order.</summary>
    public IReadOnlyList<DicomFragment> Fragments { get; }

    /// <summary>The Basic Offset Table decoded (byte offsets of each frame's first fragment, relative to the first fragment item).</summary>
    public IReadOnlyList<uint> BasicOffsetTable
    {
        get
        {
            var span = BasicOffsetTableItem.Data.Span;
            var table = new uint[span.Length / 4];
            for (var i = 0; i < table.Length; i++)
            {
                table[i] = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(span[(i * 4)..]);
            }

            return table;
        }
    }
}
