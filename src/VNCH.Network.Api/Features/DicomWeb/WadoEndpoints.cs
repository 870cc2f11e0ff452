using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VNCH.Network.Api.Problems;
using VNCH.Network.Api.Routing;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Json;

namespace VNCH.Network.Api.Features.DicomWeb;

/// <summary>
/// WADO-RS (PS3.18 10.4): studies, series and instances as the stored originals (multipart/related;
/// type="application/dicom", streamed one instance at a time), metadata in DICOM JSON with bulk data URIs, frames
/// of native pixel data, bulk data, and rendered JPEG/PNG of an instance or frame. Only the stored transfer syntax
/// is produced: naming another is a 406, never a transcoded or mislabelled body.
/// </summary>
public static class WadoEndpoints
{
    private const string DicomMediaType = MediaTypes.Dicom;
    private const string OctetStream = MediaTypes.OctetStream;

    public static async Task<IResult> Retrieve(ApiRequestContext context)
    {
        var (resources, failure) = await FindAsync(context, "dicomweb.retrieve");
        if (failure is not null)
        {
            return failure;
        }

        var instances = resources!.Instances;
        foreach (var range in DicomWebMediaRange.Parse(context.Http.Request))
        {
            var allowed = instances.All(i => range.AllowsSyntax(i.TransferSyntaxUid));
            if (range.IsAny || (range.IsMultipart && range.PartType is null or DicomMediaType && allowed))
            {
                var queries = context.Service<DicomWebQueries>();
                return new MultipartRelatedResult(DicomMediaType, async (writer, cancellationToken) =>
                {
                    foreach (var instance in instances)
                    {
                        await using var original = await queries.OpenAsync(context.Caller, instance, cancellationToken);
                        await writer.WritePartAsync($"{DicomMediaType}; transfer-syntax={instance.TransferSyntaxUid}", original, instance.Length,
                            context.Url(DicomWebResources.InstancePath(instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid)), cancellationToken);
                    }
                });
            }

            if (range.MediaType == DicomMediaType && instances.Count == 1 && allowed)
            {
                var original = await context.Service<DicomWebQueries>().OpenAsync(context.Caller, instances[0], context.Aborted);
                return Results.Stream(original, $"{DicomMediaType}; transfer-syntax={instances[0].TransferSyntaxUid}");
            }
        }

        var stored = string.Join(", ", instances.Select(i => i.TransferSyntaxUid).Distinct());
        return DicomWebResources.NotAcceptable(
            $"The instances are stored in {stored} and are served only so: ask for multipart/related; type=\"application/dicom\" with transfer-syntax=* or the stored syntax.");
    }

    public static async Task<IResult> Metadata(ApiRequestContext context)
    {
        if (!AcceptsJson(context.Http.Request))
        {
            return DicomWebResources.NotAcceptable("Metadata is served as application/dicom+json.");
        }

        var (resources, failure) = await FindAsync(context, "dicomweb.metadata");
        if (failure is not null)
        {
            return failure;
        }

        var queries = context.Service<DicomWebQueries>();
        return new JsonStreamResult(async (json, cancellationToken) =>
        {
            json.WriteStartArray();
            foreach (var instance in resources!.Instances)
            {
                await using var original = await queries.OpenAsync(context.Caller, instance, cancellationToken);
                using var file = DicomReader.Read(original, new DicomReadOptions { PixelDataMode = PixelDataMode.Reference });
                var bulk = context.Url(DicomWebResources.InstancePath(instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid)) + "/bulkdata/";
                DicomJsonWriter.Write(json, file.Dataset, new DicomJsonOptions { BulkDataUri = r => bulk + r.Path.Replace('/', '.') });
                await json.FlushAsync(cancellationToken);
            }

            json.WriteEndArray();
        });
    }

    public static async Task<IResult> Frames(ApiRequestContext context)
    {
        if (!ParseFrames(context, out var numbers))
        {
            return ApiProblems.InvalidRequest("frames must be a comma-separated list of frame numbers from 1.");
        }

        var acceptable = DicomWebMediaRange.Parse(context.Http.Request).Any(r => r.IsAny
            || (r.IsMultipart && r.PartType is null or OctetStream && r.TransferSyntax is null or "*" or "1.2.840.10008.1.2.1"));
        if (!acceptable)
        {
            return DicomWebResources.NotAcceptable("Frames are served as multipart/related; type=\"application/octet-stream\" (uncompressed, little endian).");
        }

        var (resources, failure) = await FindAsync(context, "dicomweb.frames");
        if (failure is not null)
        {
            return failure;
        }

        var queries = context.Service<DicomWebQueries>();
        var instance = resources!.Instances[0];
        var original = await queries.OpenAsync(context.Caller, instance, context.Aborted);
        var file = DicomReader.Read(original, new DicomReadOptions { PixelDataMode = PixelDataMode.Reference });
        var frames = NativeFrames.Open(file, original);
        if (frames is null)
        {
            file.Dispose();
            await original.DisposeAsync();
            return DicomWebResources.NotAcceptable(
                $"Frames are served for uncompressed pixel data only; this instance is stored in {instance.TransferSyntaxUid}. Retrieve the instance, or its rendered frames.");
        }

        if (numbers.Any(n => n > frames.FrameCount))
        {
            file.Dispose();
            await original.DisposeAsync();
            return ApiProblems.Problem(StatusCodes.Status404NotFound, "frame-not-found", "Frame not found", $"The instance has {frames.FrameCount} frame(s).");
        }

        var location = context.Url(context.Http.Request.Path);
        return new MultipartRelatedResult(OctetStream, async (writer, cancellationToken) =>
        {
            // Frames are read from the file (its loaded pixel data on unseekable stores) until the response is written.
            using (file)
            {
                await using (original)
                {
                    foreach (var number in numbers)
                    {
                        var bytes = await frames.ReadFrameAsync(number - 1, cancellationToken);
                        await writer.WritePartAsync($"{OctetStream}; transfer-syntax=1.2.840.10008.1.2.1", bytes, location, cancellationToken);
                    }
                }
            }
        });
    }

    public static async Task<IResult> BulkData(ApiRequestContext context)
    {
        var path = DicomWebResources.Route(context, "path") ?? string.Empty;
        var (resources, failure) = await FindAsync(context, "dicomweb.bulkdata");
        if (failure is not null)
        {
            return failure;
        }

        var instance = resources!.Instances[0];
        await using var original = await context.Service<DicomWebQueries>().OpenAsync(context.Caller, instance, context.Aborted);
        using var file = DicomReader.Read(original, new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        if (!TryFind(file.Dataset, path, out var owner, out var element))
        {
            return ApiProblems.Problem(StatusCodes.Status404NotFound, "bulkdata-not-found", "Bulk data not found", $"The instance has no element at '{path}'.");
        }

        if (element.Fragments is not null)
        {
            return DicomWebResources.NotAcceptable("Compressed pixel data is not served as bulk data; retrieve the instance, or its rendered frames.");
        }

        var bytes = DicomJsonWriter.LittleEndianBytes(owner, element, element.VR).ToArray();
        return new MultipartRelatedResult(OctetStream, (writer, cancellationToken) =>
            writer.WritePartAsync(OctetStream, bytes, context.Url(context.Http.Request.Path), cancellationToken));
    }

    public static async Task<IResult> Rendered(ApiRequestContext context)
    {
        var png = false;
        var acceptable = false;
        foreach (var range in DicomWebMediaRange.Parse(context.Http.Request))
        {
            if (range.MediaType is MediaTypes.Png or MediaTypes.Jpeg or "image/*" or "*/*")
            {
                png = range.MediaType == MediaTypes.Png;
                acceptable = true;
                break;
            }
        }

        if (!acceptable)
        {
            return DicomWebResources.NotAcceptable("Rendered resources are image/jpeg or image/png.");
        }

        var query = context.Http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var parameters = RenderParameters.Parse(query, png, out var error);
        var frameNumber = 1;
        if (DicomWebResources.Route(context, "frames") is not null)
        {
            if (!ParseFrames(context, out var numbers) || numbers.Count != 1)
            {
                return ApiProblems.InvalidRequest("A rendered frame resource names one frame number from 1.");
            }

            frameNumber = numbers[0];
        }

        if (parameters is null)
        {
            return ApiProblems.InvalidRequest(error!);
        }

        var (resources, failure) = await FindAsync(context, "dicomweb.rendered");
        if (failure is not null)
        {
            return failure;
        }

        var instance = resources!.Instances[0];
        await using var original = await context.Service<DicomWebQueries>().OpenAsync(context.Caller, instance, context.Aborted);
        using var file = DicomReader.Read(original, new DicomReadOptions { PixelDataMode = PixelDataMode.Reference });
        if (file.PixelData is null)
        {
            return DicomWebResources.NotAcceptable("The instance has no pixel data to render.");
        }

        byte[] image;
        try
        {
            image = FrameRenderer.Render(file, original, frameNumber - 1, parameters);
        }
        catch (UnsupportedTransferSyntaxException ex)
        {
            return DicomWebResources.NotAcceptable($"This instance cannot be rendered: {ex.Message}.");
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return ApiProblems.Problem(StatusCodes.Status404NotFound, "frame-not-found", "Frame not found", ex.Message);
        }

        return Results.Bytes(image, png ? MediaTypes.Png : MediaTypes.Jpeg);
    }

    /// <summary>The route's instances in the caller's tenant, audited; or the 404 a missing (or foreign) one gets.</summary>
    private static async Task<(DicomResources? Resources, IResult? Failure)> FindAsync(ApiRequestContext context, string action)
    {
        var scope = DicomWebResources.Scope(context);
        var resources = await context.Service<DicomWebQueries>().FindAsync(context.Caller, scope, action, context.Aborted);
        return resources.Missing == DicomResourceMissing.None ? (resources, null) : (null, DicomWebResources.NotFound(scope, resources.Missing));
    }

    private static bool ParseFrames(ApiRequestContext context, out List<int> numbers)
    {
        numbers = [];
        foreach (var part in (DicomWebResources.Route(context, "frames") ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return false;
            }

            numbers.Add(n);
        }

        return numbers.Count > 0;
    }

    /// <summary>An element by its bulk data path: "7FE00010", or "00540016.0.00181072" through sequence items.</summary>
    private static bool TryFind(DicomDataset dataset, string path, out DicomDataset owner, out DicomElement element)
    {
        owner = dataset;
        element = default;
        var parts = path.Split('.');
        for (var i = 0; i < parts.Length; i += 2)
        {
            if (parts[i].Length != 8 || !uint.TryParse(parts[i], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var tag)
                || !owner.TryGetElement(new DicomTag(tag), out element))
            {
                return false;
            }

            if (i + 1 < parts.Length)
            {
                if (!int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var item) || element.Items is not { } items || item >= items.Count)
                {
                    return false;
                }

                owner = items[item];
            }
        }

        return element.Items is null;
    }

    private static bool AcceptsJson(HttpRequest request) =>
        DicomWebMediaRange.Parse(request).Any(r => r.IsAny || r.MediaType is MediaTypes.DicomJson or MediaTypes.Json or "application/*");

    /// <summary>A DICOM JSON answer written as it is produced (one instance at a time for metadata).</summary>
    private sealed class JsonStreamResult(Func<Utf8JsonWriter, CancellationToken, Task> write) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = DicomWebResources.DicomJsonMediaType;
            await using var json = new Utf8JsonWriter(httpContext.Response.Body, new JsonWriterOptions { Encoder = QidoResponse.Json.Encoder });
            await write(json, httpContext.RequestAborted);
            await json.FlushAsync(httpContext.RequestAborted);
        }
    }
}
