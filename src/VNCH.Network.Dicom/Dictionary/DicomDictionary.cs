namespace VNCH.Network.Dicom;

/// <summary>
/// The PS3.6 registry: tag → VR(s), VM, keyword, retired. Lookups are a binary search over a constant table
/// embedded in the assembly (no start-up cost); keywords are materialised on first use.
/// </summary>
public static partial class DicomDictionary
{
    private static readonly Lazy<string[]> Keywords = new(CreateKeywords);
    private static readonly Lazy<string[]> Multiplicities = new(CreateMultiplicities);
    private static readonly Lazy<Dictionary<string, DicomTag>> ByKeyword = new(CreateKeywordIndex);

    /// <summary>Default VR of a tag (the first when PS3.6 allows several), UN if unknown or private.</summary>
    public static DicomVR GetVR(DicomTag tag)
    {
        var value = tag.Value;
        if ((value & 0xFFFF) == 0 && value >> 16 is not (0xFFFE))
        {
            return DicomVR.UL; // group length (gggg,0000)
        }

        if (tag.IsPrivateCreator)
        {
            return DicomVR.LO;
        }

        var index = SortedTags.BinarySearch(value);
        if (index >= 0)
        {
            return (DicomVR)TagVRs[index * 3];
        }

        var repeater = FindRepeater(value);
        return repeater is null ? DicomVR.UN : (DicomVR)repeater.VR1;
    }

    /// <summary>All VRs PS3.6 allows for the tag (e.g. US and SS), first is the default; empty if unknown.</summary>
    public static IReadOnlyList<DicomVR> GetVRs(DicomTag tag)
    {
        var index = SortedTags.BinarySearch(tag.Value);
        Span<byte> codes = stackalloc byte[3];
        if (index >= 0)
        {
            TagVRs.Slice(index * 3, 3).CopyTo(codes);
        }
        else if (FindRepeater(tag.Value) is { } r)
        {
            codes[0] = r.VR1;
            codes[1] = r.VR2;
            codes[2] = r.VR3;
        }
        else
        {
            var single = GetVR(tag);
            return single == DicomVR.UN ? [] : [single];
        }

        var list = new List<DicomVR>(3);
        foreach (var c in codes)
        {
            if (c != 0)
            {
                list.Add((DicomVR)c);
            }
        }

        return list;
    }

    /// <summary>True if PS3.6 lists more than one VR for the tag (US or SS, OB or OW, ...).</summary>
    public static bool IsAmbiguous(DicomTag tag)
    {
        var index = SortedTags.BinarySearch(tag.Value);
        if (index >= 0)
        {
            return TagVRs[index * 3 + 1] != 0;
        }

        return FindRepeater(tag.Value) is { VR2: not 0 };
    }

    public static bool IsKnown(DicomTag tag) => SortedTags.BinarySearch(tag.Value) >= 0 || FindRepeater(tag.Value) is not null;

    public static string? GetKeyword(DicomTag tag)
    {
        var index = SortedTags.BinarySearch(tag.Value);
        return index >= 0 ? Keywords.Value[index] : FindRepeater(tag.Value)?.Keyword;
    }

    public static string? GetMultiplicity(DicomTag tag)
    {
        var index = SortedTags.BinarySearch(tag.Value);
        return index >= 0 ? Multiplicities.Value[index] : FindRepeater(tag.Value)?.Multiplicity;
    }

    public static bool IsRetired(DicomTag tag)
    {
        var index = SortedTags.BinarySearch(tag.Value);
        return index >= 0 ? TagRetired[index] == 1 : FindRepeater(tag.Value)?.Retired ?? false;
    }

    /// <summary>Tag of a PS3.6 keyword such as "PatientName" (case-sensitive).</summary>
    public static bool TryGetTag(string keyword, out DicomTag tag) => ByKeyword.Value.TryGetValue(keyword, out tag);

    private static RepeaterEntry? FindRepeater(uint value)
    {
        foreach (var r in Repeaters)
        {
            if ((value & r.Mask) == r.Value)
            {
                return r;
            }
        }

        return null;
    }

    private static Dictionary<string, DicomTag> CreateKeywordIndex()
    {
        var keywords = Keywords.Value;
        var tags = SortedTags;
        var index = new Dictionary<string, DicomTag>(keywords.Length, StringComparer.Ordinal);
        for (var i = 0; i < keywords.Length; i++)
        {
            if (keywords[i].Length > 0)
            {
                index.TryAdd(keywords[i], new DicomTag(tags[i]));
            }
        }

        return index;
    }

    private sealed record RepeaterEntry(
        uint Mask, uint Value, byte VR1, byte VR2, byte VR3, bool Retired, string Keyword, string Multiplicity);
}
