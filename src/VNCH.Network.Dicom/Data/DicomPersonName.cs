namespace VNCH.Network.Dicom;

/// <summary>One component group of a person name (PS3.5 6.2.1): family^given^middle^prefix^suffix.</summary>
public sealed record DicomPersonNameGroup(string Family, string Given, string Middle, string Prefix, string Suffix)
{
    public static DicomPersonNameGroup Empty { get; } = new(string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);

    public bool IsEmpty => Family.Length == 0 && Given.Length == 0 && Middle.Length == 0 && Prefix.Length == 0 && Suffix.Length == 0;

    internal static DicomPersonNameGroup Parse(string group)
    {
        if (group.Length == 0)
        {
            return Empty;
        }

        var parts = group.Split('^');
        string At(int i) => i < parts.Length ? parts[i] : string.Empty;
        return new DicomPersonNameGroup(At(0), At(1), At(2), At(3), At(4));
    }

    /// <summary>The group with trailing empty components dropped, as encoded in DICOM.</summary>
    public override string ToString()
    {
        string[] parts = [Family, Given, Middle, Prefix, Suffix];
        var last = parts.Length - 1;
        while (last >= 0 && parts[last].Length == 0)
        {
            last--;
        }

        return string.Join('^', parts, 0, last + 1);
    }
}

/// <summary>
/// A person name value with its alphabetic, ideographic and phonetic groups. The groups are split out on first
/// use (as pydicom's PersonName does), so reading names that are only passed on as text costs one string.
/// </summary>
public sealed class DicomPersonName
{
    private DicomPersonNameGroup[]? _groups;

    public DicomPersonName(string value)
    {
        Original = value;
    }

    /// <summary>The decoded value as found (groups separated by '=').</summary>
    public string Original { get; }

    public DicomPersonNameGroup Alphabetic => Groups[0];

    public DicomPersonNameGroup Ideographic => Groups[1];

    public DicomPersonNameGroup Phonetic => Groups[2];

    // Idempotent, so a race between readers only parses twice.
    private DicomPersonNameGroup[] Groups => _groups ??= ParseGroups(Original);

    private static DicomPersonNameGroup[] ParseGroups(string value)
    {
        var groups = value.Split('=');
        return
        [
            DicomPersonNameGroup.Parse(groups[0]),
            groups.Length > 1 ? DicomPersonNameGroup.Parse(groups[1]) : DicomPersonNameGroup.Empty,
            groups.Length > 2 ? DicomPersonNameGroup.Parse(groups[2]) : DicomPersonNameGroup.Empty,
        ];
    }

    public string Family => Alphabetic.Family;

    public string Given => Alphabetic.Given;

    public string Middle => Alphabetic.Middle;

    public string Prefix => Alphabetic.Prefix;

    public string Suffix => Alphabetic.Suffix;

    /// <summary>The value with trailing empty groups dropped (same as pydicom's str(PersonName)).</summary>
    public override string ToString() => Original.TrimEnd('=');
}
