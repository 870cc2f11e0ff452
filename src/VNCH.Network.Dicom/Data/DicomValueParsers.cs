using System.Globalization;

namespace VNCH.Network.Dicom;

/// <summary>Parsers for DA, TM and DT strings, tolerant of the legacy ACR-NEMA forms (1995.07.20, 10:31:02).</summary>
public static class DicomValueParsers
{
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        var s = text.Trim();
        Span<char> digits = stackalloc char[8];
        var n = 0;
        foreach (var c in s)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == 8)
                {
                    return false;
                }

                digits[n++] = c;
            }
            else if (c != '.' && c != '-' && c != '/')
            {
                return false;
            }
        }

        if (n != 8)
        {
            return false;
        }

        var year = Int(digits[..4]);
        var month = Int(digits.Slice(4, 2));
        var day = Int(digits.Slice(6, 2));
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>HH[MM[SS[.F{1,6}]]], also the legacy HH:MM:SS.</summary>
    public static bool TryParseTime(ReadOnlySpan<char> text, out TimeOnly time)
    {
        time = default;
        var s = text.Trim();
        Span<char> compact = stackalloc char[16];
        var n = 0;
        foreach (var c in s)
        {
            if (c == ':')
            {
                continue;
            }

            if (n == compact.Length)
            {
                return false;
            }

            compact[n++] = c;
        }

        var t = compact[..n];
        if (t.Length < 2 || !IsDigits(t[..Math.Min(t.Length, 6)].TrimEnd('.')))
        {
            return false;
        }

        var hour = Int(t[..2]);
        var minute = t.Length >= 4 && t[2] != '.' ? Int(t.Slice(2, 2)) : 0;
        var second = t.Length >= 6 && t[4] != '.' ? Int(t.Slice(4, 2)) : 0;
        var ticks = 0L;
        var dot = t.IndexOf('.');
        if (dot >= 0)
        {
            var fraction = t[(dot + 1)..];
            if (fraction.Length > 6 || !IsDigits(fraction))
            {
                return false;
            }

            ticks = fraction.Length == 0 ? 0 : Int(fraction) * (long)Math.Pow(10, 7 - fraction.Length);
        }

        if (hour is < 0 or > 23 || minute is < 0 or > 59 || second is < 0 or > 60 || ticks < 0)
        {
            return false;
        }

        time = new TimeOnly(hour, minute, Math.Min(second, 59)).Add(TimeSpan.FromTicks(ticks));
        return true;
    }

    /// <summary>YYYY[MM[DD[HH[MM[SS[.F]]]]]][&amp;ZZXX]; the offset is returned separately (zero if absent).</summary>
    public static bool TryParseDateTime(ReadOnlySpan<char> text, out DateTime value, out TimeSpan? utcOffset)
    {
        value = default;
        utcOffset = null;
        var s = text.Trim();
        var signAt = s.IndexOfAny('+', '-');
        if (signAt >= 0)
        {
            var zone = s[(signAt + 1)..];
            if (zone.Length != 4 || !IsDigits(zone))
            {
                return false;
            }

            var offset = new TimeSpan(Int(zone[..2]), Int(zone[2..]), 0);
            utcOffset = s[signAt] == '-' ? -offset : offset;
            s = s[..signAt];
        }

        if (s.Length < 4 || !IsDigits(s[..4]))
        {
            return false;
        }

        var year = Int(s[..4]);
        var month = s.Length >= 6 ? Int(s.Slice(4, 2)) : 1;
        var day = s.Length >= 8 ? Int(s.Slice(6, 2)) : 1;
        if (s.Length >= 6 && !IsDigits(s[4..Math.Min(s.Length, 8)]))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var time = TimeOnly.MinValue;
        if (s.Length > 8 && !TryParseTime(s[8..], out time))
        {
            return false;
        }

        value = new DateOnly(year, month, day).ToDateTime(time);
        return true;
    }

    private static bool IsDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Digits to int; -1 if the span is not all digits (callers range-check).</summary>
    private static int Int(ReadOnlySpan<char> s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;
}
