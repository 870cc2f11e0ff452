namespace VNCH.Network.Dicom;

/// <summary>
/// Location of the top-level pixel data: native (one block) or encapsulated (offset table and fragments).
/// Offsets are byte positions in the source stream (unless <see cref="OffsetsAreInSource"/> is false, as for
/// deflated files, where the data is always loaded), so a decoder can read one frame at a time.
/// </summary>
public sealed class DicomPixelData
{
    internal DicomPixelData(DicomElement element, DicomFragments? fragments, bool offsetsAreInSource,
        IReadOnlyList<ulong>? extendedOffsets, IReadOnlyList<ulong>? extendedLengths)
    {
        Element = element;
        Fragments = fragments;
        OffsetsAreInSource = offsetsAreInSource;
        ExtendedOffsetTable = extendedOffsets;
        ExtendedOffsetTableLengths = extendedLengths;
    }

    public DicomElement Element { get; }

    public DicomTag Tag => Element.Tag;

    public DicomVR VR => Element.VR;

    public bool IsEncapsulated => Fragments is not null;

    /// <summary>Native data: offset of the first byte in the source.</summary>
    public long Offset => Element.ValueOffset;

    /// <summary>Native data: length in bytes (as declared, bounded by the data present).</summary>
    public long Length => Element.IsUndefinedLength ? -1 : Element.Length;

    /// <summary>Native data: the bytes, when loaded.</summary>
    public ReadOnlyMemory<byte> Data => Element.RawValue;

    public bool IsLoaded => Element.IsValueLoaded;

    /// <summary>False when offsets refer to an inflated (deflated) stream rather than the source bytes.</summary>
    public bool OffsetsAreInSource { get; }

    public DicomFragments? Fragments { get; }

    /// <summary>(7FE0,0001) Extended Offset Table, if present.</summary>
    public IReadOnlyList<ulong>? ExtendedOffsetTable { get; }

    /// <summary>(7FE0,0002) Extended Offset Table Lengths, if present.</summary>
    public IReadOnlyList<ulong>? ExtendedOffsetTableLengths { get; }

    /// <summary>
    /// The fragments making up each frame of encapsulated data: by the extended offset table, else the basic
    /// offset table, else one fragment per frame when counts match, else (single frame) all fragments.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<DicomFragment>> GetFrameFragments(int numberOfFrames)
    {
        if (Fragments is null)
        {
            throw new DicomException("The pixel data is native, not encapsulated; frames are fixed-size slices of it.");
        }

        var fragments = Fragments.Fragments;
        var frameCount = Math.Max(numberOfFrames, 1);
        IReadOnlyList<ulong>? starts = ExtendedOffsetTable;
        if (starts is null or { Count: 0 })
        {
            var bot = Fragments.BasicOffsetTable;
            starts = bot.Count > 0 ? bot.Select(v => (ulong)v).ToArray() : null;
        }

        if (starts is not null && starts.Count == frameCount)
        {
            // Offsets count from the first byte of the first fragment's item header.
            var itemStarts = new ulong[fragments.Count];
            ulong at = 0;
            for (var i = 0; i < fragments.Count; i++)
            {
                itemStarts[i] = at;
                at += 8 + (ulong)fragments[i].Length;
            }

            var frames = new List<IReadOnlyList<DicomFragment>>(frameCount);
            for (var f = 0; f < frameCount; f++)
            {
                var begin = starts[f];
                var end = f + 1 < frameCount ? starts[f + 1] : ulong.MaxValue;
                var list = new List<DicomFragment>();
                for (var i = 0; i < fragments.Count; i++)
                {
                    if (itemStarts[i] >= begin && itemStarts[i] < end)
                    {
                        list.Add(fragments[i]);
                    }
                }

                if (list.Count == 0)
                {
                    throw new DicomFormatException($"The offset table points frame {f} at {begin}, where no fragment starts.", Tag);
                }

                frames.Add(list);
            }

            return frames;
        }

        if (frameCount == 1)
        {
            return [fragments];
        }

        if (fragments.Count == frameCount)
        {
            return fragments.Select(f => (IReadOnlyList<DicomFragment>)[f]).ToArray();
        }

        throw new DicomFormatException(
            $"Cannot map {fragments.Count} fragments to {frameCount} frames without an offset table (would need codec-level frame boundaries).", Tag);
    }
}
