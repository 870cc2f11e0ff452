using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VNCH.Network.Dicom;

namespace VNCH.Network.Core.Features.DicomWeb;

public enum DicomQueryLevel
{
    Study,
    Series,
    Instance,
}

/// <summary>How a key's value is matched (PS3.4 C.2.2.2, as PS3.18 8.3.4 uses it; no fuzzy matching).</summary>
public enum DicomMatchKind
{
    /// <summary>Single value, '*' and '?' wildcards, case-sensitive.</summary>
    Text,

    /// <summary>As <see cref="Text"/>, case-insensitive (PS3.4 C.2.2.2.1 allows it for PN), on the whole value or any group.</summary>
    PersonName,

    /// <summary>One UID or a list (comma or backslash separated); no wildcards.</summary>
    UidList,

    /// <summary>A value or a list of values (ModalitiesInStudy: any series of the study).</summary>
    CodeList,

    /// <summary>DA: a date, or a range "from-to", "-to", "from-".</summary>
    DateRange,

    /// <summary>TM: a time, or a range; compared on the digits as stored.</summary>
    TimeRange,

    /// <summary>IS: exact integer.</summary>
    Integer,
}

/// <summary>The matching keys the index supports: the required ones of PS3.18 Table 10.6.1-5.</summary>
public enum DicomIndexKey
{
    StudyDate,
    StudyTime,
    AccessionNumber,
    ModalitiesInStudy,
    ReferringPhysicianName,
    PatientName,
    PatientId,
    StudyInstanceUid,
    StudyIdentifier,
    Modality,
    SeriesInstanceUid,
    SeriesNumber,
    PerformedProcedureStepStartDate,
    PerformedProcedureStepStartTime,
    ScheduledProcedureStepId,
    RequestedProcedureId,
    SopClassUid,
    SopInstanceUid,
    InstanceNumber,
}

public sealed record DicomIndexKeyInfo(DicomIndexKey Key, string Name, DicomTag Tag, DicomQueryLevel Level, DicomMatchKind Kind, DicomTag? Parent = null);

public static class DicomIndexKeys
{
    public static IReadOnlyList<DicomIndexKeyInfo> All { get; } =
    [
        new(DicomIndexKey.StudyDate, "StudyDate", DicomTags.StudyDate, DicomQueryLevel.Study, DicomMatchKind.DateRange),
        new(DicomIndexKey.StudyTime, "StudyTime", DicomTags.StudyTime, DicomQueryLevel.Study, DicomMatchKind.TimeRange),
        new(DicomIndexKey.AccessionNumber, "AccessionNumber", DicomTags.AccessionNumber, DicomQueryLevel.Study, DicomMatchKind.Text),
        new(DicomIndexKey.ModalitiesInStudy, "ModalitiesInStudy", DicomTags.ModalitiesInStudy, DicomQueryLevel.Study, DicomMatchKind.CodeList),
        new(DicomIndexKey.ReferringPhysicianName, "ReferringPhysicianName", DicomTags.ReferringPhysicianName, DicomQueryLevel.Study, DicomMatchKind.PersonName),
        new(DicomIndexKey.PatientName, "PatientName", DicomTags.PatientName, DicomQueryLevel.Study, DicomMatchKind.PersonName),
        new(DicomIndexKey.PatientId, "PatientID", DicomTags.PatientID, DicomQueryLevel.Study, DicomMatchKind.Text),
        new(DicomIndexKey.StudyInstanceUid, "StudyInstanceUID", DicomTags.StudyInstanceUID, DicomQueryLevel.Study, DicomMatchKind.UidList),
        new(DicomIndexKey.StudyIdentifier, "StudyID", DicomTags.StudyID, DicomQueryLevel.Study, DicomMatchKind.Text),
        new(DicomIndexKey.Modality, "Modality", DicomTags.Modality, DicomQueryLevel.Series, DicomMatchKind.CodeList),
        new(DicomIndexKey.SeriesInstanceUid, "SeriesInstanceUID", DicomTags.SeriesInstanceUID, DicomQueryLevel.Series, DicomMatchKind.UidList),
        new(DicomIndexKey.SeriesNumber, "SeriesNumber", DicomTags.SeriesNumber, DicomQueryLevel.Series, DicomMatchKind.Integer),
        new(DicomIndexKey.PerformedProcedureStepStartDate, "PerformedProcedureStepStartDate", DicomTags.PerformedProcedureStepStartDate, DicomQueryLevel.Series, DicomMatchKind.DateRange),
        new(DicomIndexKey.PerformedProcedureStepStartTime, "PerformedProcedureStepStartTime", DicomTags.PerformedProcedureStepStartTime, DicomQueryLevel.Series, DicomMatchKind.TimeRange),
        new(DicomIndexKey.ScheduledProcedureStepId, "RequestAttributesSequence.ScheduledProcedureStepID", DicomTags.ScheduledProcedureStepID, DicomQueryLevel.Series, DicomMatchKind.Text, DicomTags.RequestAttributesSequence),
        new(DicomIndexKey.RequestedProcedureId, "RequestAttributesSequence.RequestedProcedureID", DicomTags.RequestedProcedureID, DicomQueryLevel.Series, DicomMatchKind.Text, DicomTags.RequestAttributesSequence),
        new(DicomIndexKey.SopClassUid, "SOPClassUID", DicomTags.SOPClassUID, DicomQueryLevel.Instance, DicomMatchKind.UidList),
        new(DicomIndexKey.SopInstanceUid, "SOPInstanceUID", DicomTags.SOPInstanceUID, DicomQueryLevel.Instance, DicomMatchKind.UidList),
        new(DicomIndexKey.InstanceNumber, "InstanceNumber", DicomTags.InstanceNumber, DicomQueryLevel.Instance, DicomMatchKind.Integer),
    ];

    public static DicomIndexKeyInfo Of(DicomIndexKey key) => All[(int)key];

    /// <summary>Finds a key by keyword ("PatientID"), tag ("00100020") or sequence path ("00400275.00400009").</summary>
    public static DicomIndexKeyInfo? Find(string attribute)
    {
        foreach (var info in All)
        {
            if (string.Equals(info.Name, attribute, StringComparison.Ordinal) || string.Equals(PathOf(info), attribute, StringComparison.OrdinalIgnoreCase))
            {
                return info;
            }
        }

        return null;
    }

    private static string PathOf(DicomIndexKeyInfo info) =>
        info.Parent is { } parent ? $"{parent.Value:X8}.{info.Tag.Value:X8}" : info.Tag.Value.ToString("X8", CultureInfo.InvariantCulture);
}

/// <summary>One matching condition: a key and the value as the client sent it.</summary>
public sealed record DicomMatch(DicomIndexKey Key, string Value)
{
    private Regex? pattern;

    public DicomIndexKeyInfo Info => DicomIndexKeys.Of(Key);

    /// <summary>The values of a list match (UIDs, modalities).</summary>
    public IReadOnlyList<string> ListValues => Value.Split([',', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool HasWildcard => Value.Contains('*', StringComparison.Ordinal) || Value.Contains('?', StringComparison.Ordinal);

    /// <summary>Lower and upper bounds of a range (inclusive; null is open); both the value itself when not a range.</summary>
    public (string? From, string? To) Range
    {
        get
        {
            var dash = Value.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                return (Value, Value);
            }

            var from = Value[..dash].Trim();
            var to = Value[(dash + 1)..].Trim();
            return (from.Length == 0 ? null : from, to.Length == 0 ? null : to);
        }
    }

    /// <summary>
    /// Whether a stored value matches. The single definition of the matching rules, used by adapters that filter in
    /// memory and by the SQLite adapter as a SQL function.
    /// </summary>
    public bool Matches(string? stored)
    {
        if (stored is null)
        {
            return false;
        }

        switch (Info.Kind)
        {
            case DicomMatchKind.UidList:
            case DicomMatchKind.CodeList:
                return ListValues.Contains(stored, StringComparer.Ordinal);
            case DicomMatchKind.Integer:
                return int.TryParse(Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                    && int.TryParse(stored, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) && n == s;
            case DicomMatchKind.DateRange:
            case DicomMatchKind.TimeRange:
                {
                    var value = Digits(stored);
                    var (from, to) = Range;
                    if (from == to && from is not null)
                    {
                        // A single TM value matches the times it names at its precision ("1030" matches 10:30:xx).
                        var exact = Digits(from);
                        return Info.Kind == DicomMatchKind.TimeRange ? value.StartsWith(exact, StringComparison.Ordinal) : value == exact;
                    }

                    return (from is null || string.CompareOrdinal(value, Digits(from)) >= 0)
                        && (to is null || string.CompareOrdinal(TruncateTo(value, Digits(to)), Digits(to)) <= 0);
                }

            case DicomMatchKind.PersonName:
                {
                    var names = pattern ??= WildcardPattern(Value, ignoreCase: true);
                    return names.IsMatch(stored) || stored.Split('=').Any(names.IsMatch);
                }

            default:
                return (pattern ??= WildcardPattern(Value, ignoreCase: false)).IsMatch(stored);
        }
    }

    /// <summary>Date and time digits only (so "2024.01.05" and "10:30" compare like "20240105" and "1030").</summary>
    public static string Digits(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c) || c == '.')
            {
                builder.Append(c);
            }
        }

        var text = builder.ToString();
        return text.Length == 10 && text[4] == '.' && text[7] == '.' ? text.Replace(".", string.Empty, StringComparison.Ordinal) : text;
    }

    /// <summary>An upper bound "1200" includes 12:00:59: compare at the bound's precision.</summary>
    private static string TruncateTo(string value, string bound) => value.Length > bound.Length ? value[..bound.Length] : value;

    private static Regex WildcardPattern(string value, bool ignoreCase)
    {
        var pattern = new StringBuilder("^");
        foreach (var c in value)
        {
            pattern.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        pattern.Append('$');
        return new Regex(pattern.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None));
    }
}

/// <summary>A QIDO-RS search: every condition must hold; paging by offset and limit (PS3.18 8.3.4.4).</summary>
public sealed record DicomQuery
{
    public IReadOnlyList<DicomMatch> Matches { get; init; } = [];

    public int Offset { get; init; }

    public int Limit { get; init; } = 100;

    public DicomQuery With(DicomIndexKey key, string value) => this with { Matches = [.. Matches, new DicomMatch(key, value)] };
}
