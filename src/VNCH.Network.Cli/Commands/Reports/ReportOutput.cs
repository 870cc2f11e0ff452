using System.Net.Http.Headers;
using System.Text.Json;
using VNCH.Network.Cli.Commands.Remote;
using VNCH.Network.Core.Features.Reporting.Exports;

namespace VNCH.Network.Cli.Commands.Reports;

/// <summary>
/// Fetches a report and prints it: a table (from the JSON), or the representation asked for with Accept, passed
/// through byte for byte. When the server answers another media type than the one asked for (it does not serve that
/// format), that is an error: a DHIS2 system must never be fed JSON that merely looks like an answer.
/// </summary>
public static class ReportOutput
{
    public static async Task<int> RunAsync(ReportSettings settings, string pathAndQuery, Action<JsonElement> writeTable, CancellationToken cancellationToken)
    {
        using var http = new VnchHttp(settings);
        var mediaType = settings.MediaType ?? ReportFormats.Aliases["json"];
        using var response = await http.SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
            return request;
        }, cancellationToken);
        await ApiException.ThrowIfFailedAsync(response, cancellationToken);

        var answered = response.Content.Headers.ContentType?.MediaType ?? "";
        if (!string.Equals(answered, mediaType, StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync(
                $"error: the server does not serve {mediaType} for this report (it answered {(answered.Length > 0 ? answered : "without a media type")}); see docs/reporting.md for the formats it serves.");
            return 1;
        }

        if (settings.MediaType is null)
        {
            writeTable(JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken)));
        }
        else if (mediaType == ReportFormats.Aliases["json"])
        {
            JsonOutput.Write(JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken)));
        }
        else
        {
            await using var stdout = Console.OpenStandardOutput();
            await response.Content.CopyToAsync(stdout, cancellationToken);
        }

        return 0;
    }
}
