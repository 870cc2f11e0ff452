using System.Net.Http.Headers;
using System.Text;

namespace VNCH.Network.EndToEnd.Tests.DicomWeb;

/// <summary>A strict reader of multipart/related bodies (RFC 2046), written for the tests, independent of the server's writer.</summary>
internal static class Multipart
{
    public sealed record Part(Dictionary<string, string> Headers, byte[] Body)
    {
        public string ContentType => Headers["content-type"];
    }

    public static List<Part> Parse(MediaTypeHeaderValue contentType, byte[] body)
    {
        Assert.Equal("multipart/related", contentType.MediaType);
        var boundary = contentType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<Part>();
        var position = IndexOf(body, delimiter, 0);
        Assert.Equal(0, position);
        while (true)
        {
            position += delimiter.Length;
            if (body.AsSpan(position).StartsWith("--"u8))
            {
                return parts; // close delimiter
            }

            Assert.True(body.AsSpan(position).StartsWith("\r\n"u8), "a delimiter is followed by CRLF");
            var headerEnd = IndexOf(body, "\r\n\r\n"u8.ToArray(), position);
            var headers = Encoding.ASCII.GetString(body, position + 2, headerEnd - position - 2)
                .Split("\r\n", StringSplitOptions.RemoveEmptyEntries)
                .Select(h => h.Split(':', 2))
                .ToDictionary(h => h[0].Trim().ToLowerInvariant(), h => h[1].Trim());
            var start = headerEnd + 4;
            var next = IndexOf(body, [.. "\r\n"u8.ToArray(), .. delimiter], start);
            Assert.True(next >= 0, "every part ends with CRLF and a delimiter");
            var content = body[start..next];
            if (headers.TryGetValue("content-length", out var length))
            {
                Assert.Equal(long.Parse(length, System.Globalization.CultureInfo.InvariantCulture), content.Length);
            }

            parts.Add(new Part(headers, content));
            position = next + 2;
        }
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int from)
    {
        var index = haystack.AsSpan(from).IndexOf(needle);
        return index < 0 ? -1 : from + index;
    }
}
