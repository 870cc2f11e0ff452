using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Ingestion;

namespace VNCH.Network.Api.Features.Studies;

/// <summary>
/// POST /api/v1/studies: single documents or DICOMweb STOW-RS multipart. Every part is streamed into the original
/// store (hashed on the way) by the shared ingestion handler; nothing is buffered whole.
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

        var outcomes = new List<IngestOutcome>();
        if (mediaType.Equals(MediaTypes.MultipartRelated, StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
            {
                return ApiProblems.InvalidRequest("multipart/related needs a boundary parameter.");
            }

            var declaredType = contentType.Parameters.FirstOrDefault(p => p.Name.Equals("type", StringComparison.OrdinalIgnoreCase))?.Value.Value;
            var defaultPartType = HeaderUtilities.RemoveQuotes(declaredType).Value ?? MediaTypes.Dicom;
            var reader = new MultipartReader(boundary, request.Body);
            try
            {
                while (await reader.ReadNextSectionAsync(context.Aborted) is { } section)
                {
                    var partType = MediaTypeHeaderValue.TryParse(section.ContentType, out var parsed) && parsed.MediaType.Value is { } value
                        ? value
                        : defaultPartType;
                    outcomes.Add(await IngestAsync(context, section.Body, partType));
                }
            }
            catch (IOException ex) when (outcomes.Count == 0)
            {
                return ApiProblems.InvalidRequest($"The multipart body could not be read: {ex.Message}");
            }

            if (outcomes.Count == 0)
            {
                return ApiProblems.InvalidRequest("The multipart body has no parts.");
            }
        }
        else if (SingleDocumentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
        {
            outcomes.Add(await IngestAsync(context, request.Body, mediaType.ToLowerInvariant()));
        }
        else
        {
            return ApiProblems.UnsupportedMediaType(request.ContentType);
        }

        return StowResponse.Create(context, outcomes);
    }

    private static Task<IngestOutcome> IngestAsync(ApiRequestContext context, Stream body, string mediaType) =>
        context.Service<IngestionHandler>().IngestAsync(
            new IngestRequest(context.Caller.Tenant, body, mediaType, "http", context.Caller.Subject, context.Caller.CorrelationId),
            context.Aborted);
}
