using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Ingestion;
using VNCH.Network.Core.Features.Ingestion.Budgets;

namespace VNCH.Network.Api.Features.Studies;

/// <summary>
/// POST /api/v1/studies: single documents or DICOMweb STOW-RS multipart. Every part is streamed into the original
/// store (hashed on the way) by the shared ingestion handler; nothing is buffered whole. The input budget (ADR 0100)
/// holds while the body streams: a size breach ends the request with 413, a malformed or over-long part header with
/// 400, and a single document refused for its shape with 400, each as problem+json naming the limit.
/// </summary>
public static class UploadStudiesEndpoint
{
    private static readonly string[] SingleDocumentTypes =
        [MediaTypes.Dicom, MediaTypes.Aecg, MediaTypes.Xml, MediaTypes.TextXml, MediaTypes.Audiogram, MediaTypes.FhirJson, MediaTypes.Json];

    public static async Task<IResult> Handle(ApiRequestContext context)
    {
        var request = context.Http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.MediaType.Value is not { } mediaType)
        {
            return ApiProblems.UnsupportedMediaType(request.ContentType);
        }

        var limits = context.Service<InputBudget>().Limits;
        if (request.ContentLength > limits.MaxRequestBytes)
        {
            return BudgetProblems.Exceeded(new InputBudgetExceededException(BudgetReasons.RequestTooLarge, isTooLarge: true,
                $"The request declares {request.ContentLength} bytes; the limit is {limits.MaxRequestBytes}."));
        }

        var body = new BoundedReadStream(request.Body, limits.MaxRequestBytes, BudgetReasons.RequestTooLarge, "The request");
        var outcomes = new List<IngestOutcome>();
        try
        {
            if (mediaType.Equals(MediaTypes.MultipartRelated, StringComparison.OrdinalIgnoreCase))
            {
                var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
                if (string.IsNullOrEmpty(boundary))
                {
                    return ApiProblems.InvalidRequest("multipart/related needs a boundary parameter.");
                }

                var declaredType = contentType.Parameters.FirstOrDefault(p => p.Name.Equals("type", StringComparison.OrdinalIgnoreCase))?.Value.Value;
                var defaultPartType = HeaderUtilities.RemoveQuotes(declaredType).Value ?? MediaTypes.Dicom;
                var reader = new MultipartUploadReader(boundary, body, defaultPartType, limits);
                try
                {
                    while (await reader.ReadNextPartAsync(context.Aborted) is { } part)
                    {
                        outcomes.Add(await IngestAsync(context, part.Body, part.MediaType));
                        ThrowIfTooLarge(outcomes[^1]);
                        if (outcomes[^1].ReasonCode == IngestReasons.StorageQuotaExceeded)
                        {
                            break; // Nothing more can be stored: the rest of the body is not read (507).
                        }

                        if (outcomes[^1].ReasonCode == BudgetReasons.PartFramingInvalid)
                        {
                            // The body cannot be followed past a broken part: the request ends here.
                            throw new InputBudgetExceededException(BudgetReasons.PartFramingInvalid, isTooLarge: false, outcomes[^1].Message!);
                        }
                    }
                }
                catch (IOException)
                {
                    // Parts before the break are stored and answer as duplicates when the request is sent again.
                    return ApiProblems.InvalidRequest("The multipart body could not be read: its framing is broken or it ends early.");
                }

                if (outcomes.Count == 0)
                {
                    return ApiProblems.InvalidRequest("The multipart body has no parts.");
                }
            }
            else if (SingleDocumentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            {
                var outcome = await IngestAsync(context, body, mediaType.ToLowerInvariant());
                ThrowIfTooLarge(outcome);
                if (outcome.ReasonCode is { } reason && BudgetReasons.IsShape(reason))
                {
                    return BudgetProblems.Exceeded(new InputBudgetExceededException(reason, isTooLarge: false, outcome.Message ?? reason));
                }

                outcomes.Add(outcome);
            }
            else
            {
                return ApiProblems.UnsupportedMediaType(request.ContentType);
            }
        }
        catch (InputBudgetExceededException ex)
        {
            return BudgetProblems.Exceeded(ex);
        }

        return StowResponse.Create(context, outcomes);
    }

    /// <summary>A document refused for its size ends the request: what follows it is not read.</summary>
    private static void ThrowIfTooLarge(IngestOutcome outcome)
    {
        if (outcome.ReasonCode is { } reason && BudgetReasons.IsSize(reason))
        {
            throw new InputBudgetExceededException(reason, isTooLarge: true, outcome.Message ?? reason);
        }
    }

    private static Task<IngestOutcome> IngestAsync(ApiRequestContext context, Stream body, string mediaType) =>
        context.Service<IngestionHandler>().IngestAsync(
            new IngestRequest(context.Caller.Tenant, body, mediaType, "http", context.Caller.Subject, context.Caller.CorrelationId),
            context.Aborted);
}
