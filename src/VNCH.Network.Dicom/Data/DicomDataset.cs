using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace VNCH.Network.Dicom;

/// <summary>
/// An ordered collection of data elements (a data set or a sequence item). Values stay as raw bytes and are
/// converted on access. Lookups are a binary search while the elements are in ascending tag order (the norm).
/// </summary>
public sealed partial class DicomDataset : IEnumerable<DicomElement>
{
    private DicomElement[] _elements;
    private int _count;
    private bool _sorted = true;
    private DicomCharacterSet? _characterSet;

    public DicomDataset()
        : this(8)
    {
    }

    internal DicomDataset(int capacity)
    {
        _elements = new DicomElement[Math.Max(capacity, 1)];
    }

    /// <summary>Binary values are big endian (read from Explicit VR Big Endian).</summary>
    public bool IsBigEndian { get; internal set; }

    /// <summary>The data set holding the sequence this item belongs to; null at the top level.</summary>
    public DicomDataset? Parent { get; internal set; }

    public int Count => _count;

    /// <summary>The character set of this data set: its own (0008,0005), else the enclosing data set's.</summary>
    public DicomCharacterSet CharacterSet
    {
        get
        {
            if (_characterSet is not null)
            {
                return _characterSet;
            }

            var own = TryGetElement(DicomTags.SpecificCharacterSet, out var e)
                ? DicomCharacterSet.FromTerms(SplitValues(Encoding.Latin1.GetString(e.RawValue.Span).TrimEnd(' ', '\0'), trimStart: true))
                : Parent?.CharacterSet ?? DicomCharacterSet.Default;
            _characterSet = own;
            return own;
        }
    }

    public DicomElement this[DicomTag tag] => TryGetElement(tag, out var element)
        ? element
        : throw new DicomException($"The data set has no element {tag} ({DicomDictionary.GetKeyword(tag) ?? "unknown"}).");

    public bool Contains(DicomTag tag) => IndexOf(tag) >= 0;

    public bool TryGetElement(DicomTag tag, out DicomElement element)
    {
        var index = IndexOf(tag);
        if (index < 0)
        {
            element = default;
            return false;
        }

        element = _elements[index];
        return true;
    }

    public IEnumerator<DicomElement> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _elements[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>
    /// A copy whose values (and items, and loaded fragments) live in memory of its own, so it stays valid after the
    /// <see cref="DicomFile"/> it was read from is disposed. The copy has no parent: it is a data set on its own.
    /// </summary>
    public DicomDataset DeepCopy() => DeepCopy(parent: null);

    internal DicomDataset DeepCopy(DicomDataset? parent)
    {
        var copy = new DicomDataset(_count) { IsBigEndian = IsBigEndian, Parent = parent, _sorted = _sorted };
        for (var i = 0; i < _count; i++)
        {
            copy._elements[i] = _elements[i].DeepCopy(copy);
        }

        copy._count = _count;
        return copy;
    }

    /// <summary>The elements as a span (file order), without copying.</summary>
    public ReadOnlySpan<DicomElement> AsSpan() => _elements.AsSpan(0, _count);

    // ---------------------------------------------------------------- raw and binary values

    /// <summary>The raw value bytes (data set byte order); empty if absent.</summary>
    public ReadOnlyMemory<byte> GetRawValue(DicomTag tag) => TryGetElement(tag, out var e) ? e.RawValue : ReadOnlyMemory<byte>.Empty;

    /// <summary>Binary values (US, SS, UL, SL, FL, FD, OW, OF, OD, OL, OV, SV, UV, AT) converted to native order.</summary>
    public T[] GetValues<T>(DicomTag tag)
        where T : unmanaged
    {
        if (!TryGetElement(tag, out var e))
        {
            return [];
        }

        var raw = e.RawValue.Span;
        var size = Marshal.SizeOf<T>();
        var result = new T[raw.Length / size];
        raw[..(result.Length * size)].CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        if (IsBigEndian != !BitConverter.IsLittleEndian && size > 1)
        {
            ReverseEach(MemoryMarshal.AsBytes(result.AsSpan()), size);
        }

        return result;
    }

    public ushort[] GetUInt16s(DicomTag tag) => GetValues<ushort>(tag);

    public short[] GetInt16s(DicomTag tag) => GetValues<short>(tag);

    public uint[] GetUInt32s(DicomTag tag) => GetValues<uint>(tag);

    public int[] GetInt32s(DicomTag tag) => GetValues<int>(tag);

    public float[] GetFloats(DicomTag tag) => GetValues<float>(tag);

    public DicomTag[] GetTags(DicomTag tag)
    {
        var words = GetValues<ushort>(tag);
        var tags = new DicomTag[words.Length / 2];
        for (var i = 0; i < tags.Length; i++)
        {
            tags[i] = new DicomTag(words[i * 2], words[i * 2 + 1]);
        }

        return tags;
    }

    /// <summary>Items of a sequence; empty if absent or not a sequence.</summary>
    public IReadOnlyList<DicomDataset> GetSequence(DicomTag tag) =>
        TryGetElement(tag, out var e) && e.Items is { } items ? items : [];

    // ---------------------------------------------------------------- strings

    /// <summary>The whole value as text (values joined by '\'), padding removed; null if absent.</summary>
    public bool TryGetString(DicomTag tag, out string value)
    {
        if (!TryGetElement(tag, out var e) || !DicomVRInfo.IsString(e.VR) && e.VR != DicomVR.UN)
        {
            value = string.Empty;
            return false;
        }

        value = DecodeText(e);
        return true;
    }

    public string GetString(DicomTag tag) => TryGetString(tag, out var value)
        ? value
        : throw new DicomException($"The data set has no text element {tag} ({DicomDictionary.GetKeyword(tag) ?? "unknown"}).");

    public string? GetStringOrNull(DicomTag tag) => TryGetString(tag, out var value) ? value : null;

    /// <summary>The values of a multi-valued string element, each with its padding removed (pydicom's rules).</summary>
    public string[] GetStrings(DicomTag tag)
    {
        if (!TryGetElement(tag, out var e))
        {
            return [];
        }

        return GetStrings(e);
    }

    internal string[] GetStrings(in DicomElement e)
    {
        var raw = e.RawValue.Span;
        switch (e.VR)
        {
            case DicomVR.SH or DicomVR.LO or DicomVR.UC:
                {
                    // Split bytes first: code extensions reset at each value (pydicom does the same).
                    var charset = CharacterSet;
                    var values = new string[raw.Count(DicomTextSpans.Backslash) + 1];
                    var i = 0;
                    foreach (var range in raw.Split(DicomTextSpans.Backslash))
                    {
                        values[i++] = DecodePadded(charset, raw[range], personName: false);
                    }

                    return values;
                }

            case DicomVR.LT or DicomVR.ST or DicomVR.UT:
                return [DecodePadded(CharacterSet, raw, personName: false)];
            case DicomVR.UR:
                return [DicomTextSpans.Latin1(DicomTextSpans.TrimWhiteSpace(raw, start: false, end: true))];
            case DicomVR.PN:
                return [.. GetPersonNames(e).Select(p => p.Original)];
            case DicomVR.AE:
                return DicomTextSpans.SplitLatin1(raw, trimEachStart: true, trimEachEnd: true);
            case DicomVR.DS or DicomVR.IS:
                return DicomTextSpans.SplitLatin1(NumberText(e.VR, raw), trimEachStart: false, trimEachEnd: false);
            case DicomVR.DA or DicomVR.TM or DicomVR.DT:
                return DicomTextSpans.SplitLatin1(DicomTextSpans.TrimPadding(raw), trimEachStart: false, trimEachEnd: true);
            default:
                if (DicomVRInfo.IsString(e.VR))
                {
                    return DicomTextSpans.SplitLatin1(DicomTextSpans.TrimPadding(raw), trimEachStart: false, trimEachEnd: false);
                }

                return [];
        }
    }

    /// <summary>The text of DS (white space trimmed first, then padding) or IS (padding) before it is split.</summary>
    private static ReadOnlySpan<byte> NumberText(DicomVR vr, ReadOnlySpan<byte> raw) => vr == DicomVR.DS
        ? DicomTextSpans.TrimPadding(DicomTextSpans.TrimWhiteSpace(raw, start: true, end: true))
        : DicomTextSpans.TrimPadding(raw);

    /// <summary>
    /// A value decoded without its trailing spaces and NULs. Without code extensions the padding bytes are dropped
    /// before decoding (no character set uses 0x20 or 0x00 inside a multi-byte character); with them the decoded
    /// text is trimmed, as escape sequences may switch to sets that read bytes in pairs.
    /// </summary>
    private static string DecodePadded(DicomCharacterSet charset, ReadOnlySpan<byte> raw, bool personName) =>
        raw.Contains(DicomCharacterSet.Escape)
            ? charset.Decode(raw, personName).TrimEnd(' ', '\0')
            : charset.Decode(DicomTextSpans.TrimPadding(raw), personName);

    /// <summary>Strips trailing spaces and NULs, then splits on '\' (pydicom's MultiString).</summary>
    private static string[] SplitValues(string text, bool trimStart)
    {
        var s = text.TrimEnd(' ', '\0');
        if (trimStart)
        {
            s = s.TrimStart();
        }

        return s.Split('\\');
    }

    /// <summary>The whole value as text, padding removed.</summary>
    private string DecodeText(in DicomElement e)
    {
        var raw = e.RawValue.Span;
        return DicomVRInfo.IsEncodedText(e.VR)
            ? DecodePadded(CharacterSet, raw, e.VR == DicomVR.PN)
            : DicomTextSpans.Latin1(DicomTextSpans.TrimPadding(raw));
    }

    // ---------------------------------------------------------------- person names

    public DicomPersonName? GetPersonName(DicomTag tag) =>
        TryGetElement(tag, out var e) ? GetPersonNames(e)[0] : null;

    public IReadOnlyList<DicomPersonName> GetPersonNames(DicomTag tag) =>
        TryGetElement(tag, out var e) ? GetPersonNames(e) : [];

    internal DicomPersonName[] GetPersonNames(in DicomElement e)
    {
        var raw = DicomTextSpans.TrimPadding(e.RawValue.Span);
        var charset = CharacterSet;
        var names = new DicomPersonName[raw.Count(DicomTextSpans.Backslash) + 1];
        var i = 0;
        foreach (var value in raw.Split(DicomTextSpans.Backslash))
        {
            var bytes = raw[value];
            names[i++] = new DicomPersonName(bytes.Contains((byte)'=') ? DecodeNameGroups(charset, bytes) : charset.Decode(bytes, personName: true));
        }

        return names;
    }

    /// <summary>Groups are decoded separately: each starts in the first character set.</summary>
    private static string DecodeNameGroups(DicomCharacterSet charset, ReadOnlySpan<byte> bytes)
    {
        var groups = new string[bytes.Count((byte)'=') + 1];
        var i = 0;
        foreach (var group in bytes.Split((byte)'='))
        {
            groups[i++] = charset.Decode(bytes[group], personName: true);
        }

        return string.Join('=', groups);
    }

    // ---------------------------------------------------------------- numbers

    /// <summary>An integer from IS, US, SS, UL, SL, SV, UV (or an integral DS); index selects the value.</summary>
    public bool TryGetInt32(DicomTag tag, out int value, int index = 0)
    {
        value = 0;
        if (!TryGetDouble(tag, out var d, index) || d is < int.MinValue or > int.MaxValue || d != Math.Floor(d))
        {
            return false;
        }

        value = (int)d;
        return true;
    }

    public int GetInt32(DicomTag tag, int index = 0) => TryGetInt32(tag, out var v, index)
        ? v
        : throw new DicomException($"Element {tag} ({DicomDictionary.GetKeyword(tag) ?? "unknown"}) is absent or not an integer at index {index}.");

    public int GetInt32OrDefault(DicomTag tag, int defaultValue, int index = 0) => TryGetInt32(tag, out var v, index) ? v : defaultValue;

    /// <summary>A number from DS, IS or a binary numeric VR.</summary>
    public bool TryGetDouble(DicomTag tag, out double value, int index = 0)
    {
        value = 0;
        if (!TryGetElement(tag, out var e) || index < 0)
        {
            return false;
        }

        var raw = e.RawValue.Span;
        var size = DicomVRInfo.BinaryItemSize(e.VR);
        if (size > 0 && e.VR is not (DicomVR.AT or DicomVR.OW or DicomVR.OF or DicomVR.OD or DicomVR.OL or DicomVR.OV) || e.VR is DicomVR.OF or DicomVR.OD)
        {
            if ((index + 1) * size > raw.Length)
            {
                return false;
            }

            value = ReadBinaryNumber(e.VR, raw.Slice(index * size, size));
            return true;
        }

        if (e.VR is DicomVR.DS or DicomVR.IS)
        {
            return DicomTextSpans.TryGetValue(NumberText(e.VR, raw), index, out var text) && TryParseDecimalString(text, out value);
        }

        if (e.VR == DicomVR.UN && raw.Length < 64)
        {
            var values = GetStrings(e);
            return index < values.Length && TryParseDecimalString(values[index], out value);
        }

        return false;
    }

    public double GetDouble(DicomTag tag, int index = 0) => TryGetDouble(tag, out var v, index)
        ? v
        : throw new DicomException($"Element {tag} ({DicomDictionary.GetKeyword(tag) ?? "unknown"}) is absent or not numeric at index {index}.");

    /// <summary>All values of a numeric element (DS, IS or binary) as doubles.</summary>
    public double[] GetDoubles(DicomTag tag)
    {
        if (!TryGetElement(tag, out var e))
        {
            return [];
        }

        var size = DicomVRInfo.BinaryItemSize(e.VR);
        if (size > 0 && e.VR != DicomVR.AT)
        {
            var raw = e.RawValue.Span;
            var result = new double[raw.Length / size];
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = ReadBinaryNumber(e.VR, raw.Slice(i * size, size));
            }

            return result;
        }

        if (e.VR is DicomVR.DS or DicomVR.IS)
        {
            var text = NumberText(e.VR, e.RawValue.Span);
            var numbers = new double[text.Count(DicomTextSpans.Backslash) + 1];
            var parsed = 0;
            foreach (var range in text.Split(DicomTextSpans.Backslash))
            {
                if (TryParseDecimalString(text[range], out var d))
                {
                    numbers[parsed++] = d;
                }
            }

            return parsed == numbers.Length ? numbers : numbers[..parsed];
        }

        var strings = GetStrings(e);
        var list = new List<double>(strings.Length);
        foreach (var s in strings)
        {
            if (TryParseDecimalString(s, out var d))
            {
                list.Add(d);
            }
        }

        return [.. list];
    }

    internal static bool TryParseDecimalString(string text, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>The same parse over Latin-1 bytes (non-ASCII bytes fail it, as their chars fail the text parse).</summary>
    private static bool TryParseDecimalString(ReadOnlySpan<byte> text, out double value) =>
        double.TryParse(DicomTextSpans.TrimWhiteSpace(text, start: true, end: true), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    internal double ReadBinaryNumber(DicomVR vr, ReadOnlySpan<byte> b)
    {
        var big = IsBigEndian;
        return vr switch
        {
            DicomVR.US or DicomVR.OW => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b),
            DicomVR.SS => big ? BinaryPrimitives.ReadInt16BigEndian(b) : BinaryPrimitives.ReadInt16LittleEndian(b),
            DicomVR.UL or DicomVR.OL => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b),
            DicomVR.SL => big ? BinaryPrimitives.ReadInt32BigEndian(b) : BinaryPrimitives.ReadInt32LittleEndian(b),
            DicomVR.FL or DicomVR.OF => big ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b),
            DicomVR.FD or DicomVR.OD => big ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b),
            DicomVR.SV => big ? BinaryPrimitives.ReadInt64BigEndian(b) : BinaryPrimitives.ReadInt64LittleEndian(b),
            DicomVR.UV or DicomVR.OV => big ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b),
            _ => double.NaN,
        };
    }

    // ---------------------------------------------------------------- dates, times, ages

    public bool TryGetDate(DicomTag tag, out DateOnly date)
    {
        date = default;
        Span<char> buffer = stackalloc char[FirstValueBufferLength];
        return TryGetFirstValue(tag, buffer, out var text) && DicomValueParsers.TryParseDate(text, out date);
    }

    public bool TryGetTime(DicomTag tag, out TimeOnly time)
    {
        time = default;
        Span<char> buffer = stackalloc char[FirstValueBufferLength];
        return TryGetFirstValue(tag, buffer, out var text) && DicomValueParsers.TryParseTime(text, out time);
    }

    /// <summary>A DT value (offset ignored in the result; see <see cref="DicomValueParsers.TryParseDateTime"/>).</summary>
    public bool TryGetDateTime(DicomTag tag, out DateTime value)
    {
        value = default;
        Span<char> buffer = stackalloc char[FirstValueBufferLength];
        return TryGetFirstValue(tag, buffer, out var text) && DicomValueParsers.TryParseDateTime(text, out value, out _);
    }

    private const int FirstValueBufferLength = 64;

    /// <summary>
    /// The first value of a text element (padding removed), as <see cref="TryGetString"/> then a split on '' would
    /// give it: Latin-1 values short enough are widened into <paramref name="buffer"/> without a string.
    /// </summary>
    private bool TryGetFirstValue(DicomTag tag, Span<char> buffer, out ReadOnlySpan<char> text)
    {
        text = default;
        if (!TryGetElement(tag, out var e) || !DicomVRInfo.IsString(e.VR) && e.VR != DicomVR.UN)
        {
            return false;
        }

        var raw = DicomTextSpans.TrimPadding(e.RawValue.Span);
        if (DicomVRInfo.IsEncodedText(e.VR) || raw.Length > buffer.Length)
        {
            var whole = DecodeText(e);
            var slash = whole.IndexOf('\\');
            text = slash < 0 ? whole : whole.AsSpan(0, slash);
            return true;
        }

        var end = raw.IndexOf(DicomTextSpans.Backslash);
        var first = end < 0 ? raw : raw[..end];
        text = buffer[..Encoding.Latin1.GetChars(first, buffer)];
        return true;
    }

    /// <summary>Combines a DA and a TM element (e.g. StudyDate + StudyTime); time defaults to midnight.</summary>
    public bool TryGetDateTime(DicomTag dateTag, DicomTag timeTag, out DateTime value)
    {
        value = default;
        if (!TryGetDate(dateTag, out var date))
        {
            return false;
        }

        value = date.ToDateTime(TryGetTime(timeTag, out var time) ? time : TimeOnly.MinValue);
        return true;
    }

    public bool TryGetAge(DicomTag tag, out DicomAge age)
    {
        age = default;
        return TryGetString(tag, out var s) && DicomAge.TryParse(s, out age);
    }

    // ---------------------------------------------------------------- internals

    internal int IndexOf(DicomTag tag)
    {
        var items = _elements;
        var value = tag.Value;
        if (_sorted)
        {
            int lo = 0, hi = _count - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var v = items[mid].Tag.Value;
                if (v == value)
                {
                    return mid;
                }

                if (v < value)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return -1;
        }

        for (var i = 0; i < _count; i++)
        {
            if (items[i].Tag.Value == value)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Appends an element as read from a stream (file order kept; a repeated tag replaces the earlier one, as in pydicom).</summary>
    internal void Append(in DicomElement element)
    {
        if (_count > 0 && _sorted && element.Tag.Value <= _elements[_count - 1].Tag.Value)
        {
            if (element.Tag.Value == _elements[_count - 1].Tag.Value)
            {
                _elements[_count - 1] = element; // duplicate tag: the later one wins, as in pydicom
                return;
            }

            var existing = IndexOf(element.Tag);
            if (existing >= 0)
            {
                _elements[existing] = element;
                return;
            }

            _sorted = false;
        }

        if (_count == _elements.Length)
        {
            Array.Resize(ref _elements, _elements.Length * 2);
        }

        _elements[_count++] = element;
        if (element.Tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }
    }

    /// <summary>Inserts or replaces keeping ascending tag order (used by the builder).</summary>
    internal void Set(in DicomElement element)
    {
        var index = IndexOf(element.Tag);
        if (index >= 0)
        {
            _elements[index] = element;
        }
        else
        {
            if (!_sorted)
            {
                SortInPlace();
            }

            var at = 0;
            while (at < _count && _elements[at].Tag.Value < element.Tag.Value)
            {
                at++;
            }

            if (_count == _elements.Length)
            {
                Array.Resize(ref _elements, _elements.Length * 2);
            }

            Array.Copy(_elements, at, _elements, at + 1, _count - at);
            _elements[at] = element;
            _count++;
        }

        if (element.Tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }
    }

    public bool Remove(DicomTag tag)
    {
        var index = IndexOf(tag);
        if (index < 0)
        {
            return false;
        }

        Array.Copy(_elements, index + 1, _elements, index, _count - index - 1);
        _count--;
        _elements[_count] = default;
        if (tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }

        return true;
    }

    private void SortInPlace()
    {
        Array.Sort(_elements, 0, _count, Comparer<DicomElement>.Create((a, b) => a.Tag.Value.CompareTo(b.Tag.Value)));
        _sorted = true;
    }

    private static void ReverseEach(Span<byte> bytes, int size)
    {
        for (var i = 0; i + size <= bytes.Length; i += size)
        {
            bytes.Slice(i, size).Reverse();
        }
    }
}
