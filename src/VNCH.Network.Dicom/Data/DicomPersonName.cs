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

/// <summary>A person name value with its alphabetic, ideographic and phonetic groups.</summary>
public sealed class DicomPersonName
{
    public DicomPersonName(string value)
    {
        Original = value;
        var groups = value.Split('=');
        Alphabetic = DicomPersonNameGroup.Parse(groups[0]);
        Ideographic = groups.Length > 1 ? DicomPersonNameGroup.Parse(groups[1]) : DicomPersonNameGroup.Empty;
        Phonetic = groups.Length > 2 ? DicomPersonNameGroup.Parse(groups[2]) : DicomPersonNameGroup.Empty;
    }

    /// <summary>The decoded value as found (groups separated by '=').</summary>
    public string Original { get; }

    public DicomPersonNameGroup Alphabetic { get; }

    public DicomPersonNameGroup Ideographic { get; }

    public DicomPersonNameGroup Phonetic { get; }

    public string Family => Alphabetic.Family;

    public string Given => Alphabetic.Given;

    public string Middle => Alphabetic.Middle;

    public string Prefix => Alphabetic.Prefix;

    public string Suffix => Alphabetic.Suffix;

    /// <summary>The value with trailing empty groups dropped (same as pydicom's str(PersonName)).</summary>
    public override string ToString() => Original.TrimEnd('=');
}
