using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using VNCH.Network.Core.Features.Reporting.Exports;

namespace VNCH.Network.Api.Features.Reports;

/// <summary>
/// Which representation of a report to serve: <c>?format=</c> (a name such as adx, or a media type) wins over the
/// Accept header (media ranges by quality, wildcards allowed); neither given means the first served (JSON).
/// </summary>
internal static class ReportNegotiation
{
    /// <returns>The media type to serve, or null with the problem to answer (406) when none of those asked is served.</returns>
    public static string? Choose(HttpRequest request, IReadOnlyList<string> served, out IResult? notAcceptable)
    {
        notAcceptable = null;
        if (request.Query["format"].ToString() is { Length: > 0 } format)
        {
            var mediaType = ReportFormats.Aliases.GetValueOrDefault(format) ?? format;
            var chosen = served.FirstOrDefault(s => s.Equals(mediaType, StringComparison.OrdinalIgnoreCase));
            notAcceptable = chosen is null ? Refuse(format, served) : null;
            return chosen;
        }

        var accept = request.Headers.Accept.ToString();
        if (accept.Length == 0)
        {
            return served[0];
        }

        if (MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var ranges))
        {
            foreach (var range in ranges.Where(r => (r.Quality ?? 1) > 0).OrderByDescending(r => r.Quality ?? 1))
            {
                var chosen = served.FirstOrDefault(s => new MediaTypeHeaderValue(s).IsSubsetOf(range));
                if (chosen is not null)
                {
                    return chosen;
                }
            }
        }

        notAcceptable = Refuse(accept, served);
        return null;
    }

    private static IResult Refuse(string asked, IReadOnlyList<string> served) =>
        Problems.ApiProblems.NotAcceptable(
            $"This report does not serve {asked}; it serves {string.Join(", ", served)} (Accept header, or ?format= {string.Join(", ", ReportFormats.Aliases.Where(a => served.Contains(a.Value)).Select(a => a.Key))}).");
}
