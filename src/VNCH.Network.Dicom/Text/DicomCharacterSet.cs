using System.Text;

namespace VNCH.Network.Dicom;

/// <summary>
/// Decodes text values according to Specific Character Set (0008,0005) (PS3.5 §6.1), including ISO 2022 code
/// extensions (escape sequences switching between e.g. ASCII, JIS X 0208 and half-width katakana).
/// Behaviour follows pydicom's: the default repertoire is decoded as ISO 8859-1 so stray 8-bit bytes survive,
/// a delimiter (^ and = in PN; CR LF TAB FF in text) switches back to the first character set.
/// </summary>
public sealed class DicomCharacterSet
{
    internal const byte Escape = 0x1B;

    // Code page numbers come from System.Text.Encoding.CodePages (registered once below).
    private static readonly Encoding Latin1 = Encoding.Latin1;
    private static readonly Encoding Utf8 = new UTF8Encoding(false, false);
    private static readonly Dictionary<string, Func<Encoding>> ByTerm = new(StringComparer.Ordinal)
    {
        [""] = () => Latin1,
        ["ISO_IR 6"] = () => Latin1,
        ["ISO_IR 100"] = () => Latin1,
        ["ISO_IR 101"] = () => CodePage(28592),
        ["ISO_IR 109"] = () => CodePage(28593),
        ["ISO_IR 110"] = () => CodePage(28594),
        ["ISO_IR 144"] = () => CodePage(28595),
        ["ISO_IR 127"] = () => CodePage(28596),
        ["ISO_IR 126"] = () => CodePage(28597),
        ["ISO_IR 138"] = () => CodePage(28598),
        ["ISO_IR 148"] = () => CodePage(28599),
        ["ISO_IR 203"] = () => CodePage(28605),
        ["ISO_IR 13"] = () => CodePage(932),
        ["ISO_IR 166"] = () => CodePage(874),
        ["ISO_IR 192"] = () => Utf8,
        ["GB18030"] = () => CodePage(54936),
        ["GBK"] = () => CodePage(936),
        ["ISO 2022 IR 6"] = () => Latin1,
        ["ISO 2022 IR 100"] = () => Latin1,
        ["ISO 2022 IR 101"] = () => CodePage(28592),
        ["ISO 2022 IR 109"] = () => CodePage(28593),
        ["ISO 2022 IR 110"] = () => CodePage(28594),
        ["ISO 2022 IR 144"] = () => CodePage(28595),
        ["ISO 2022 IR 127"] = () => CodePage(28596),
        ["ISO 2022 IR 126"] = () => CodePage(28597),
        ["ISO 2022 IR 138"] = () => CodePage(28598),
        ["ISO 2022 IR 148"] = () => CodePage(28599),
        ["ISO 2022 IR 203"] = () => CodePage(28605),
        ["ISO 2022 IR 13"] = () => CodePage(932),
        ["ISO 2022 IR 166"] = () => CodePage(874),
        ["ISO 2022 IR 87"] = () => CodePage(50220),
        ["ISO 2022 IR 159"] = () => CodePage(50220),
        ["ISO 2022 IR 149"] = () => CodePage(51949),
        ["ISO 2022 IR 58"] = () => CodePage(936),
    };


    static DicomCharacterSet()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    private DicomCharacterSet(string[] terms, Encoding[] encodings)
    {
        Terms = terms;
        Encodings = encodings;
    }

    /// <summary>The default repertoire (no Specific Character Set).</summary>
    public static DicomCharacterSet Default { get; } = new([string.Empty], [Latin1]);

    /// <summary>ISO_IR 192 (UTF-8), what the writer uses for non-ASCII text.</summary>
    public static DicomCharacterSet Utf8Set { get; } = new(["ISO_IR 192"], [Utf8]);

    /// <summary>The defined terms as given (normalised).</summary>
    public IReadOnlyList<string> Terms { get; }

    internal Encoding[] Encodings { get; }

    public bool IsUtf8 => ReferenceEquals(Encodings[0], Utf8);

    /// <summary>Builds the character set for the values of (0008,0005); unknown terms fall back to the default repertoire.</summary>
    public static DicomCharacterSet FromTerms(IReadOnlyList<string> terms)
    {
        if (terms.Count == 0 || (terms.Count == 1 && string.IsNullOrWhiteSpace(terms[0])))
        {
            return Default;
        }

        var normalized = terms.Select(Normalize).ToArray();
        if (normalized.Contains("ISO_IR 192"))
        {
            return Utf8Set; // UTF-8 cannot be combined with code extensions
        }

        var encodings = new Encoding[normalized.Length];
        for (var i = 0; i < normalized.Length; i++)
        {
            encodings[i] = ByTerm.TryGetValue(normalized[i], out var make) ? make() : Latin1;
        }

        return new DicomCharacterSet(normalized, encodings);
    }

    /// <summary>Corrects common misspellings such as "ISO-IR 100", "ISO_IR100", "ISO IR 192".</summary>
    public static string Normalize(string term)
    {
        var t = term.Trim();
        if (ByTerm.ContainsKey(t))
        {
            return t;
        }

        var compact = new string(t.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        if (compact.StartsWith("ISO2022IR", StringComparison.Ordinal))
        {
            return "ISO 2022 IR " + compact[9..];
        }

        if (compact.StartsWith("ISOIR", StringComparison.Ordinal))
        {
            return "ISO_IR " + compact[5..];
        }

        return compact;
    }

    /// <summary>Decodes a text value; <paramref name="personName"/> selects PN delimiters (^) over text ones (CR LF TAB FF).</summary>
    public string Decode(ReadOnlySpan<byte> bytes, bool personName = false)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        if (bytes.IndexOf(Escape) < 0)
        {
            return Encodings[0].GetString(bytes);
        }

        var builder = new StringBuilder(bytes.Length);
        var start = 0;
        while (start < bytes.Length)
        {
            var next = bytes[(start + 1)..].IndexOf(Escape);
            var end = next < 0 ? bytes.Length : start + 1 + next;
            if (start == 0 && bytes[0] != Escape)
            {
                end = bytes.IndexOf(Escape);
            }

            DecodeFragment(bytes[start..end], personName, builder);
            start = end;
        }

        return builder.ToString();
    }

    private void DecodeFragment(ReadOnlySpan<byte> fragment, bool personName, StringBuilder builder)
    {
        if (fragment[0] != Escape)
        {
            builder.Append(Encodings[0].GetString(fragment));
            return;
        }

        var seqLength = fragment.Length >= 3 && fragment[1] == (byte)'$' && (fragment[2] == (byte)'(' || fragment[2] == (byte)')') ? 4 : 3;
        if (fragment.Length < seqLength)
        {
            builder.Append(Encodings[0].GetString(fragment));
            return;
        }

        var escape = fragment[1..seqLength];
        var encoding = EncodingForEscape(escape, out var keepsEscape);
        if (encoding is null)
        {
            builder.Append(Encodings[0].GetString(fragment)); // unknown escape: first character set
            return;
        }

        if (keepsEscape)
        {
            builder.Append(encoding.GetString(fragment)); // ISO-2022-JP decoders read the escape themselves
            return;
        }

        var body = fragment[seqLength..];
        var delimiterAt = IndexOfDelimiter(body, personName);
        if (delimiterAt >= 0)
        {
            builder.Append(encoding.GetString(body[..delimiterAt]));
            builder.Append(Encodings[0].GetString(body[delimiterAt..]));
        }
        else
        {
            builder.Append(encoding.GetString(body));
        }
    }

    private static int IndexOfDelimiter(ReadOnlySpan<byte> body, bool personName) =>
        personName ? body.IndexOf((byte)'^') : body.IndexOfAny("\r\n\t\f"u8);

    private static Encoding? EncodingForEscape(ReadOnlySpan<byte> escape, out bool keepsEscape)
    {
        keepsEscape = false;
        switch (escape)
        {
            case [(byte)'(', (byte)'B']: return Latin1;
            case [(byte)'-', (byte)'A']: return Latin1;
            case [(byte)'-', (byte)'B']: return CodePage(28592);
            case [(byte)'-', (byte)'C']: return CodePage(28593);
            case [(byte)'-', (byte)'D']: return CodePage(28594);
            case [(byte)'-', (byte)'F']: return CodePage(28597);
            case [(byte)'-', (byte)'G']: return CodePage(28596);
            case [(byte)'-', (byte)'H']: return CodePage(28598);
            case [(byte)'-', (byte)'L']: return CodePage(28595);
            case [(byte)'-', (byte)'M']: return CodePage(28599);
            case [(byte)'-', (byte)'T']: return CodePage(874);
            case [(byte)')', (byte)'I']: return CodePage(932);
            case [(byte)'(', (byte)'J']: return CodePage(932);
            case [(byte)'$', (byte)'B']:
                keepsEscape = true;
                return CodePage(50220);
            case [(byte)'$', (byte)'(', (byte)'D']:
                return JisX0212;
            case [(byte)'$', (byte)')', (byte)'C']: return CodePage(51949);
            case [(byte)'$', (byte)')', (byte)'A']: return CodePage(936);
            default: return null;
        }
    }

    private static Encoding CodePage(int codePage) => Encoding.GetEncoding(codePage);

    /// <summary>JIS X 0212 (ISO 2022 IR 159): 7-bit byte pairs, decoded through code page 20932's JIS X 0212 plane.</summary>
    private static readonly Encoding JisX0212 = new JisX0212Encoding();

    private sealed class JisX0212Encoding : Encoding
    {
        private static Encoding EucJp => Encoding.GetEncoding(20932);

        public override int GetByteCount(char[] chars, int index, int count) => throw new NotSupportedException();

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) => throw new NotSupportedException();

        public override int GetCharCount(byte[] bytes, int index, int count) => EucJp.GetCharCount(ToEuc(bytes, index, count));

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex)
        {
            var euc = ToEuc(bytes, byteIndex, byteCount);
            return EucJp.GetChars(euc, 0, euc.Length, chars, charIndex);
        }

        public override string GetString(byte[] bytes, int index, int count) => EucJp.GetString(ToEuc(bytes, index, count));

        public override int GetMaxByteCount(int charCount) => charCount * 3;

        public override int GetMaxCharCount(int byteCount) => byteCount;

        // Windows code page 20932 writes JIS X 0212 as (lead | 0x80, trail & 0x7F), JIS X 0208 with both high bits.
        private static byte[] ToEuc(byte[] bytes, int index, int count)
        {
            var euc = new byte[count];
            for (var i = 0; i + 1 < count; i += 2)
            {
                euc[i] = (byte)(bytes[index + i] | 0x80);
                euc[i + 1] = (byte)(bytes[index + i + 1] & 0x7F);
            }

            if (count % 2 == 1)
            {
                euc[count - 1] = bytes[index + count - 1];
            }

            return euc;
        }
    }
}
