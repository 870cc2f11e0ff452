using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace VNCH.Network.Api.Features.DicomWeb;

/// <summary>One acceptable media type of a WADO-RS request: the type, and for multipart/related its part type and transfer syntax.</summary>
/// <param name="MediaType">e.g. multipart/related, application/dicom, image/jpeg, */*.</param>
/// <param name="PartType">multipart/related's type parameter (null when absent).</param>
/// <param name="TransferSyntax">The transfer-syntax parameter: null when absent, "*" for any.</param>
public sealed record DicomWebMediaRange(string MediaType, string? PartType, string? TransferSyntax)
{
    public bool IsMultipart => MediaType.Equals(Core.MediaTypes.MultipartRelated, StringComparison.OrdinalIgnoreCase);

    public bool IsAny => MediaType == "*/*";

    /// <summary>Whether this range lets us send <paramref name="storedSyntax"/> unchanged: no syntax named, "*", or that syntax.</summary>
    public bool AllowsSyntax(string storedSyntax) => TransferSyntax is null or "*" || TransferSyntax == storedSyntax;

    /// <summary>The Accept header, in order of preference (q), "*/*" when absent.</summary>
    public static IReadOnlyList<DicomWebMediaRange> Parse(HttpRequest request)
    {
        var header = request.Headers.Accept.ToString();
        if (header.Length == 0)
        {
            return [new DicomWebMediaRange("*/*", null, null)];
        }

        var ranges = new List<(DicomWebMediaRange Range, double Quality)>();
        foreach (var value in request.Headers.Accept.SelectMany(h => SplitOutsideQuotes(h ?? string.Empty)))
        {
            if (!MediaTypeHeaderValue.TryParse(value, out var parsed) || parsed.MediaType.Value is not { } mediaType)
            {
                continue;
            }

            string? Parameter(string name) =>
                parsed.Parameters.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } p
                    ? HeaderUtilities.RemoveQuotes(p.Value).Value
                    : null;
            ranges.Add((new DicomWebMediaRange(mediaType.ToLowerInvariant(), Parameter("type")?.ToLowerInvariant(), Parameter("transfer-syntax")), parsed.Quality ?? 1));
        }

        return [.. ranges.OrderByDescending(r => r.Quality).Select(r => r.Range)];
    }

    /// <summary>Commas inside quoted parameters (type="a, b") do not separate media ranges.</summary>
    private static IEnumerable<string> SplitOutsideQuotes(string header)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < header.Length; i++)
        {
            if (header[i] == '"')
            {
                quoted = !quoted;
            }
            else if (header[i] == ',' && !quoted)
            {
                yield return header[start..i];
                start = i + 1;
            }
        }

        yield return header[start..];
    }
}
