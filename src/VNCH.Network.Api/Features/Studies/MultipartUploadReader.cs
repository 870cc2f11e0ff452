using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using VNCH.Network.Core.Features.Ingestion.Budgets;

namespace VNCH.Network.Api.Features.Studies;

/// <summary>One part of a multipart/related upload: its media type and its body, bounded by the part budget.</summary>
public sealed record MultipartUploadPart(string MediaType, Stream Body);

/// <summary>
/// The parts of a STOW-RS multipart/related body within the input budget (ADR 0100): at most
/// <see cref="InputBudgetOptions.MaxMultipartParts"/> parts, each with at most
/// <see cref="InputBudgetOptions.MaxPartHeaderCount"/> header lines of
/// <see cref="InputBudgetOptions.MaxPartHeaderBytes"/> bytes together and a body no larger than the budget of its
/// media type. Every breach and every malformed header or framing is an <see cref="InputBudgetExceededException"/>
/// with a message of ours; nothing here reads a part ahead of its consumer.
/// </summary>
public sealed class MultipartUploadReader
{
    private readonly MultipartReader reader;
    private readonly InputBudgetOptions budget;
    private readonly string defaultPartType;
    private int parts;

    public MultipartUploadReader(string boundary, Stream body, string defaultPartType, InputBudgetOptions budget)
    {
        this.budget = budget;
        this.defaultPartType = defaultPartType;
        reader = new MultipartReader(boundary, body)
        {
            HeadersCountLimit = budget.MaxPartHeaderCount,
            HeadersLengthLimit = budget.MaxPartHeaderBytes,
        };
    }

    /// <summary>The next part, or null after the closing boundary.</summary>
    public async Task<MultipartUploadPart?> ReadNextPartAsync(CancellationToken cancellationToken)
    {
        MultipartSection? section;
        try
        {
            section = await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            // The framework's message names its own limits; ours names the configured ones.
            throw new InputBudgetExceededException(BudgetReasons.PartHeadersInvalid, isTooLarge: false,
                $"Part {parts + 1} has malformed headers, or more than {budget.MaxPartHeaderCount} header lines or {budget.MaxPartHeaderBytes} bytes of headers.");
        }
        catch (IOException)
        {
            throw new InputBudgetExceededException(BudgetReasons.PartFramingInvalid, isTooLarge: false,
                $"The multipart body ends before the closing boundary (after {parts} part(s)).");
        }

        if (section is null)
        {
            return null;
        }

        if (++parts > budget.MaxMultipartParts)
        {
            throw new InputBudgetExceededException(BudgetReasons.TooManyParts, isTooLarge: true,
                $"The request has more than {budget.MaxMultipartParts} parts.");
        }

        var mediaType = MediaTypeHeaderValue.TryParse(section.ContentType, out var parsed) && parsed.MediaType.Value is { } value
            ? value.ToLowerInvariant()
            : defaultPartType;
        var body = new BoundedReadStream(new FramedPartStream(section.Body, parts), budget.MaxDocumentBytes(mediaType), BudgetReasons.DocumentTooLarge, $"Part {parts} ({mediaType})");
        return new MultipartUploadPart(mediaType, body);
    }

    /// <summary>
    /// A part's body as the framework reads it, with its framing errors (a boundary line followed by junk, a body
    /// that ends before its boundary) turned into a refusal of the request: they are the sender's, not a failure of
    /// the store, and must answer 400, never 500 or "retry later" (found by fuzzing, docs/security.md).
    /// </summary>
    private sealed class FramedPartStream(Stream inner, int part) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            try
            {
                return inner.Read(buffer, offset, count);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                throw Broken();
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                throw Broken();
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private InputBudgetExceededException Broken() =>
            new(BudgetReasons.PartFramingInvalid, isTooLarge: false,
                $"Part {part} is not framed correctly: its closing boundary is missing or followed by unexpected data.");
    }
}
