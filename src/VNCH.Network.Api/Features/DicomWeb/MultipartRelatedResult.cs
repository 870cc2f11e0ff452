using System.Text;
using Microsoft.AspNetCore.Http;

namespace VNCH.Network.Api.Features.DicomWeb;

/// <summary>
/// A multipart/related answer (PS3.18 8.6.1.2) written part by part straight to the response: each part is streamed
/// as it is produced, so a study of hundreds of instances never sits in memory.
/// </summary>
public sealed class MultipartRelatedResult(string type, Func<MultipartRelatedResult.Writer, CancellationToken, Task> writeParts) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var boundary = "vnch-" + Guid.NewGuid().ToString("N");
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = $"multipart/related; type=\"{type}\"; boundary={boundary}";
        var writer = new Writer(httpContext.Response.Body, boundary);
        await writeParts(writer, httpContext.RequestAborted);
        await writer.CompleteAsync(httpContext.RequestAborted);
    }

    public sealed class Writer(Stream body, string boundary)
    {
        /// <summary>One part whose content is copied from a stream (e.g. a stored original).</summary>
        public async Task WritePartAsync(string contentType, Stream content, long? length, string? location, CancellationToken cancellationToken)
        {
            await WriteHeaderAsync(contentType, length, location, cancellationToken);
            await content.CopyToAsync(body, 81920, cancellationToken);
            await body.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        public async Task WritePartAsync(string contentType, ReadOnlyMemory<byte> content, string? location, CancellationToken cancellationToken)
        {
            await WriteHeaderAsync(contentType, content.Length, location, cancellationToken);
            await body.WriteAsync(content, cancellationToken);
            await body.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }

        internal async Task CompleteAsync(CancellationToken cancellationToken)
        {
            await body.WriteAsync(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"), cancellationToken);
            await body.FlushAsync(cancellationToken);
        }

        private async Task WriteHeaderAsync(string contentType, long? length, string? location, CancellationToken cancellationToken)
        {
            var header = new StringBuilder($"--{boundary}\r\nContent-Type: {contentType}\r\n");
            if (length is { } n)
            {
                header.Append("Content-Length: ").Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n");
            }

            if (location is not null)
            {
                header.Append("Content-Location: ").Append(location).Append("\r\n");
            }

            header.Append("\r\n");
            await body.WriteAsync(Encoding.ASCII.GetBytes(header.ToString()), cancellationToken);
        }
    }
}
