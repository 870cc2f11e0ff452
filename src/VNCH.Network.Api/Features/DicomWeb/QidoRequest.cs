using System.Globalization;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Dicom;

namespace VNCH.Network.Api.Features.DicomWeb;

/// <summary>
/// A QIDO-RS query string (PS3.18 8.3.4): matching attributes by keyword or tag, <c>includefield</c> (or <c>all</c>),
/// <c>limit</c>, <c>offset</c>, <c>fuzzymatching</c>. Keys we cannot match are ignored with a Warning, as PS3.18 asks;
/// a name that is not an attribute at all is a 400.
/// </summary>
public sealed record QidoRequest(DicomQuery Query, IReadOnlySet<DicomTag> IncludeFields, bool IncludeAll, IReadOnlyList<string> Warnings)
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 1000;

    private static readonly HashSet<string> Parameters = new(StringComparer.OrdinalIgnoreCase) { "includefield", "limit", "offset", "fuzzymatching" };

    /// <summary>Parses; <paramref name="error"/> is set instead when the request is malformed.</summary>
    public static QidoRequest? Parse(IQueryCollection query, DicomQueryLevel level, DicomResourceScope scope, out string? error)
    {
        error = null;
        var warnings = new List<string>();
        var include = new HashSet<DicomTag>();
        var includeAll = false;
        var matches = new List<DicomMatch>();
        var unsupported = new List<string>();

        // The path's UIDs are matches like any other (studies/{study}/series is a search with StudyInstanceUID).
        if (scope.StudyInstanceUid.Length > 0)
        {
            matches.Add(new DicomMatch(DicomIndexKey.StudyInstanceUid, scope.StudyInstanceUid));
        }

        if (scope.SeriesInstanceUid is { } series)
        {
            matches.Add(new DicomMatch(DicomIndexKey.SeriesInstanceUid, series));
        }

        var limit = DefaultLimit;
        var offset = 0;
        foreach (var (name, values) in query)
        {
            if (name.Equals("limit", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
                {
                    error = $"'limit' must be a positive integer, not '{values}'.";
                    return null;
                }

                if (limit > MaxLimit)
                {
                    warnings.Add($"The limit was reduced to {MaxLimit}.");
                    limit = MaxLimit;
                }

                continue;
            }

            if (name.Equals("offset", StringComparison.OrdinalIgnoreCase))
            {
                if (!int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
                {
                    error = $"'offset' must be a non-negative integer, not '{values}'.";
                    return null;
                }

                continue;
            }

            if (name.Equals("fuzzymatching", StringComparison.OrdinalIgnoreCase))
            {
                if (values.ToString().Equals("true", StringComparison.OrdinalIgnoreCase))
                {
                    warnings.Add("The fuzzymatching parameter is not supported. Only literal matching has been performed.");
                }

                continue;
            }

            if (name.Equals("includefield", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var field in values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
                {
                    if (field.Equals("all", StringComparison.OrdinalIgnoreCase))
                    {
                        includeAll = true;
                    }
                    else if (TryParseAttribute(field, out var tag))
                    {
                        include.Add(tag);
                    }
                    else
                    {
                        error = $"includefield '{field}' is not a DICOM attribute keyword or tag.";
                        return null;
                    }
                }

                continue;
            }

            var attribute = name.Trim();
            var key = DicomIndexKeys.Find(attribute);
            if (key is null && !TryParseAttribute(attribute.Split('.')[^1], out _))
            {
                error = $"'{attribute}' is not a DICOM attribute keyword or tag, nor a QIDO-RS parameter.";
                return null;
            }

            foreach (var value in values)
            {
                var text = (value ?? string.Empty).Trim();
                if (key is not null && key.Level <= level)
                {
                    include.Add(key.Parent ?? key.Tag);
                    if (text.Length > 0 && text != "*")
                    {
                        matches.Add(new DicomMatch(key.Key, text)); // empty and "*" are universal matching (PS3.4 C.2.2.2.3)
                    }
                }
                else if (text.Length > 0)
                {
                    unsupported.Add(attribute);
                }
                else if (TryParseAttribute(attribute, out var returned))
                {
                    include.Add(returned); // universal matching on a key we do not index: return it
                }
            }
        }

        if (unsupported.Count > 0)
        {
            warnings.Add($"The following attributes were not supported for matching and were ignored: {string.Join(", ", unsupported.Distinct())}.");
        }

        return new QidoRequest(new DicomQuery { Matches = matches, Limit = limit, Offset = offset }, include, includeAll, warnings);
    }

    /// <summary>A keyword ("PatientName") or a tag ("00100010").</summary>
    public static bool TryParseAttribute(string text, out DicomTag tag)
    {
        if (text.Length == 8 && uint.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value))
        {
            tag = new DicomTag(value);
            return true;
        }

        return DicomDictionary.TryGetTag(text, out tag);
    }
}
