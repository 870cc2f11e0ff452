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

    /// <summary>Fragments were listed (Reference or Load mode). With <see cref="PixelDataMode.Skip"/> encapsulated data
    /// is not walked: it shows as not encapsulated with <see cref="Length"/> -1 (undefined).</summary>
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
    /// offset table, else all fragments for a single frame, else one fragment per frame when counts match, else
    /// by codec start markers (JPEG/JPEG-LS SOI FF D8, JPEG 2000 SOC FF 4F) at the start of fragments.
    /// <paramref name="source"/> (the stream the file was read from) is needed only for that last case when
    /// fragments were referenced rather than loaded.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<DicomFragment>> GetFrameFragments(int numberOfFrames, Stream? source = null)
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

        if (fragments.Count > frameCount)
        {
            var startIndexes = new List<int>();
            for (var i = 0; i < fragments.Count; i++)
            {
                if (StartsCodestream(fragments[i], source))
                {
                    startIndexes.Add(i);
                }
            }

            if (startIndexes.Count == frameCount && startIndexes[0] == 0)
            {
                var frames = new List<IReadOnlyList<DicomFragment>>(frameCount);
                for (var f = 0; f < frameCount; f++)
                {
                    var end = f + 1 < frameCount ? startIndexes[f + 1] : fragments.Count;
                    frames.Add(fragments.Skip(startIndexes[f]).Take(end - startIndexes[f]).ToArray());
                }

                return frames;
            }
        }

        throw new DicomFormatException(
            $"Cannot map {fragments.Count} fragments to {frameCount} frames: no offset table and no codec start markers that match.", Tag);
    }

    private static bool StartsCodestream(DicomFragment fragment, Stream? source)
    {
        if (fragment.Length < 2)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[2];
        if (fragment.IsLoaded)
        {
            fragment.Data.Span[..2].CopyTo(head);
        }
        else if (source is { CanSeek: true })
        {
            source.Position = fragment.Offset;
            source.ReadExactly(head);
        }
        else
        {
            throw new DicomException("The fragments were referenced, not loaded: pass the source stream to find frame boundaries.");
        }

        return head[0] == 0xFF && (head[1] == 0xD8 || head[1] == 0x4F);
    }
}
