using System.Buffers.Binary;

namespace VNCH.Network.Dicom.Imaging.Codecs;

/// <summary>
/// Which fragments make up each frame of encapsulated pixel data, found without decoding anything: from the Extended
/// Offset Table, else the Basic Offset Table, else by rule (PS3.5 A.4, as pydicom does): one frame = all fragments;
/// as many fragments as frames = one each; otherwise a new frame starts at each fragment that opens with a JPEG SOI
/// marker (JPEG family) or with a plausible RLE header (RLE).
/// </summary>
internal static class FragmentFrameMap
{
    private const int ItemHeaderLength = 8;

    public static IReadOnlyList<Range> Build(EncapsulatedPixelDataSource source, int frameCount, CodecFamily family)
    {
        var fragments = source.Fragments;
        if (fragments.Count == 0)
        {
            throw new DicomPixelDataException("encapsulated pixel data has no fragments");
        }

        if (source.ExtendedOffsetTable is { Count: > 0 } eot)
        {
            return FromOffsets(fragments, eot, frameCount, "Extended Offset Table");
        }

        if (source.BasicOffsetTable.Count > 0)
        {
            return FromOffsets(fragments, source.BasicOffsetTable.Select(o => (ulong)o).ToList(), frameCount, "Basic Offset Table");
        }

        if (frameCount == 1)
        {
            return [new Range(0, fragments.Count)];
        }

        if (fragments.Count == frameCount)
        {
            return Enumerable.Range(0, frameCount).Select(i => new Range(i, i + 1)).ToList();
        }

        var starts = new List<int>();
        for (var i = 0; i < fragments.Count; i++)
        {
            if (i == 0 || StartsFrame(fragments[i].Read(0, 64).Span, family))
            {
                starts.Add(i);
            }
        }

        var frames = new List<Range>(starts.Count);
        for (var k = 0; k < starts.Count; k++)
        {
            frames.Add(new Range(starts[k], k + 1 < starts.Count ? starts[k + 1] : fragments.Count));
        }

        return frames;
    }

    private static bool StartsFrame(ReadOnlySpan<byte> fragment, CodecFamily family) => family switch
    {
        CodecFamily.Jpeg => fragment.Length >= 3 && fragment[0] == 0xFF && fragment[1] == 0xD8 && fragment[2] == 0xFF,
        CodecFamily.Rle => fragment.Length >= 64 &&
                           BinaryPrimitives.ReadUInt32LittleEndian(fragment) is >= 1 and <= 15 &&
                           BinaryPrimitives.ReadUInt32LittleEndian(fragment[4..]) == 64,
        _ => false,
    };

    private static List<Range> FromOffsets(IReadOnlyList<PixelBytes> fragments, IReadOnlyList<ulong> offsets, int frameCount, string table)
    {
        // Position of each fragment's item tag relative to the first one.
        var positions = new ulong[fragments.Count + 1];
        for (var i = 0; i < fragments.Count; i++)
        {
            positions[i + 1] = positions[i] + ItemHeaderLength + (ulong)fragments[i].Length;
        }

        var frames = new List<Range>(offsets.Count);
        for (var f = 0; f < offsets.Count; f++)
        {
            var first = Array.IndexOf(positions, offsets[f], 0, fragments.Count);
            if (first < 0 || (f > 0 && offsets[f] <= offsets[f - 1]))
            {
                throw new DicomPixelDataException(f, $"the {table} offset {offsets[f]} does not point at a fragment");
            }

            var end = f + 1 < offsets.Count ? Array.IndexOf(positions, offsets[f + 1], 0, fragments.Count + 1) : fragments.Count;
            if (end <= first)
            {
                throw new DicomPixelDataException(f + 1, $"the {table} offset {offsets[f + 1]} does not point at a fragment");
            }

            frames.Add(new Range(first, end));
        }

        if (frames.Count < frameCount)
        {
            throw new DicomPixelDataException(frames.Count, $"the {table} lists {frames.Count} frames, Number of Frames is {frameCount}");
        }

        return frames;
    }
}

internal enum CodecFamily
{
    Native,
    Rle,
    Jpeg,
    Deflate,
    Unsupported,
}
