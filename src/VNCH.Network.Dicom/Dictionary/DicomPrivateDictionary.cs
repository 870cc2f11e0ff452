namespace VNCH.Network.Dicom;

/// <summary>VRs of known vendors' private elements, keyed by private creator (used for implicit VR and UN).</summary>
public static partial class DicomPrivateDictionary
{
    private static readonly Lazy<Dictionary<string, Dictionary<string, DicomVR>>> Table = new(Build);

    /// <summary>The VR of a private element reserved by <paramref name="creator"/>; None if unknown.</summary>
    public static DicomVR GetVR(DicomTag tag, string creator)
    {
        if (!Table.Value.TryGetValue(creator, out var entries))
        {
            return DicomVR.None;
        }

        // Exact tag, then any block (gggg xx ee), then any group of the family (gg xxxx ee), as pydicom looks them up.
        Span<char> key = stackalloc char[8];
        var group = tag.Group.ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
        var element = tag.Element.ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
        if (entries.TryGetValue(group + element, out var vr)
            || entries.TryGetValue(group + "xx" + element[2..], out vr)
            || entries.TryGetValue(group[..2] + "xxxx" + element[2..], out vr))
        {
            return vr;
        }

        return DicomVR.None;
    }

    private static Dictionary<string, Dictionary<string, DicomVR>> Build()
    {
        var result = new Dictionary<string, Dictionary<string, DicomVR>>(StringComparer.Ordinal);
        foreach (var (creator, packed) in CreateTable())
        {
            var entries = new Dictionary<string, DicomVR>(StringComparer.Ordinal);
            foreach (var pair in packed.Split(';'))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                entries[pair[..eq]] = DicomVRInfo.FromCode((byte)pair[eq + 1], (byte)pair[eq + 2]);
            }

            result[creator] = entries;
        }

        return result;
    }
}
