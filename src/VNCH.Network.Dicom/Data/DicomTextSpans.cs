using System.Text;

namespace VNCH.Network.Dicom;

/// <summary>
/// Padding, trimming and splitting of value bytes before they become strings, so a value is decoded once into
/// its final string (no whole-value string, split array and trimmed copies in between). In Latin-1 a byte is the
/// char of the same code, so trimming bytes with <see cref="char.IsWhiteSpace(char)"/> is trimming the decoded text.
/// </summary>
internal static class DicomTextSpans
{
    public const byte Backslash = (byte)'\\';

    /// <summary>Trailing spaces and NULs removed (the padding of string values).</summary>
    public static ReadOnlySpan<byte> TrimPadding(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.Length;
        while (end > 0 && bytes[end - 1] is (byte)' ' or 0)
        {
            end--;
        }

        return bytes[..end];
    }

    /// <summary>Leading and/or trailing white space removed (as <see cref="string.Trim()"/> on the Latin-1 text).</summary>
    public static ReadOnlySpan<byte> TrimWhiteSpace(ReadOnlySpan<byte> bytes, bool start, bool end)
    {
        var from = 0;
        var to = bytes.Length;
        while (start && from < to && char.IsWhiteSpace((char)bytes[from]))
        {
            from++;
        }

        while (end && to > from && char.IsWhiteSpace((char)bytes[to - 1]))
        {
            to--;
        }

        return bytes[from..to];
    }

    public static string Latin1(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? string.Empty : Encoding.Latin1.GetString(bytes);

    /// <summary>The values of Latin-1 text split on '\', each trimmed of white space as asked.</summary>
    public static string[] SplitLatin1(ReadOnlySpan<byte> text, bool trimEachStart, bool trimEachEnd)
    {
        var values = new string[text.Count(Backslash) + 1];
        var i = 0;
        foreach (var range in text.Split(Backslash))
        {
            values[i++] = Latin1(TrimWhiteSpace(text[range], trimEachStart, trimEachEnd));
        }

        return values;
    }

    /// <summary>The <paramref name="index"/>th value of text split on '\'; false past the last.</summary>
    public static bool TryGetValue(ReadOnlySpan<byte> text, int index, out ReadOnlySpan<byte> value)
    {
        var i = 0;
        foreach (var range in text.Split(Backslash))
        {
            if (i++ == index)
            {
                value = text[range];
                return true;
            }
        }

        value = default;
        return false;
    }
}
