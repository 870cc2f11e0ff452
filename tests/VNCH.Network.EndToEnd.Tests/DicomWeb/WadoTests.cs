using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SkiaSharp;
using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Json;
using VNCH.Network.Testing;
using static VNCH.Network.EndToEnd.Tests.DicomWeb.DicomWebHospitals;

namespace VNCH.Network.EndToEnd.Tests.DicomWeb;

/// <summary>WADO-RS against the embedded server: originals byte for byte, transfer syntax negotiation, metadata, frames, bulk data, rendered.</summary>
public sealed class WadoTests(DicomWebHospitals service) : IClassFixture<DicomWebHospitals>
{
    private const string AnySyntax = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    private static (string Study, string Series, string Instance, string Syntax) Uids(string corpusFile)
    {
        var file = DicomReader.ReadFile(TestData.File(corpusFile), DicomReadOptions.MetadataOnly);
        return (file.Dataset.GetString(DicomTags.StudyInstanceUID), file.Dataset.GetString(DicomTags.SeriesInstanceUID),
            file.Dataset.GetString(DicomTags.SOPInstanceUID), file.TransferSyntax.Uid);
    }

    private static string InstancePath(string study, string series, string instance) =>
        $"/api/v1/dicomweb/studies/{study}/series/{series}/instances/{instance}";

    private async Task<HttpResponseMessage> GetAsync(string path, string? accept, string? token = null)
    {
        using var client = service.Client(token ?? service.TokenA);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        return await client.SendAsync(request);
    }

    private async Task<List<Multipart.Part>> PartsAsync(string path, string? accept = AnySyntax, string? token = null)
    {
        using var response = await GetAsync(path, accept, token);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        return Multipart.Parse(response.Content.Headers.ContentType!, body);
    }

    [Fact]
    public async Task Every_stored_corpus_instance_comes_back_byte_for_byte_in_its_stored_syntax()
    {
        foreach (var corpusFile in CorpusFiles)
        {
            var (study, series, instance, syntax) = Uids(corpusFile);
            var part = Assert.Single(await PartsAsync(InstancePath(study, series, instance)));
            Assert.True(File.ReadAllBytes(TestData.File(corpusFile)).AsSpan().SequenceEqual(part.Body), $"{corpusFile} differs");
            Assert.Equal($"application/dicom; transfer-syntax={syntax}", part.ContentType);
            Assert.EndsWith(InstancePath(study, series, instance), part.Headers["content-location"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_study_and_a_series_stream_their_instances_in_series_and_instance_order()
    {
        var study = await PartsAsync($"/api/v1/dicomweb/studies/{Study1}");
        Assert.Equal(3, study.Count);
        Assert.Equal(service.SyntheticFiles[Instance1a], study[0].Body);
        Assert.Equal(service.SyntheticFiles[Instance1b], study[1].Body);
        Assert.Equal(service.SyntheticFiles[Instance1Sr], study[2].Body);

        var series = await PartsAsync($"/api/v1/dicomweb/studies/{Study1}/series/{Series1Sr}");
        Assert.Equal(service.SyntheticFiles[Instance1Sr], Assert.Single(series).Body);

        var noAccept = await PartsAsync($"/api/v1/dicomweb/studies/{Study2}", accept: null);
        Assert.Equal(service.SyntheticFiles[Instance2], Assert.Single(noAccept).Body);
    }

    [Fact]
    public async Task Only_the_stored_syntax_is_served_and_any_other_is_406()
    {
        var (study, series, instance, _) = Uids("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm");
        var path = InstancePath(study, series, instance);
        using var refused = await GetAsync(path, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1");
        Assert.Equal(HttpStatusCode.NotAcceptable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("1.2.840.10008.1.2.4.50", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Single(await PartsAsync(path, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50"));
        Assert.Single(await PartsAsync(path, "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1, multipart/related; type=\"application/dicom\"; transfer-syntax=*; q=0.5"));

        using var single = await GetAsync(path, "application/dicom; transfer-syntax=*");
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal(File.ReadAllBytes(TestData.File("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm")), await single.Content.ReadAsByteArrayAsync());

        using var xml = await GetAsync(path, "application/dicom+xml");
        Assert.Equal(HttpStatusCode.NotAcceptable, xml.StatusCode);
    }

    /// <summary>We never transcode: a syntax other than the stored one is 406 problem+json at every retrieve level.</summary>
    [Theory]
    [InlineData($"/api/v1/dicomweb/studies/{Study1}", "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")]
    [InlineData($"/api/v1/dicomweb/studies/{Study1}/series/{Series1Cr}", "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")]
    [InlineData($"/api/v1/dicomweb/studies/{Study1}/series/{Series1Cr}/instances/{Instance1a}", "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.4.50")]
    [InlineData($"/api/v1/dicomweb/studies/{Study1}/series/{Series1Cr}/instances/{Instance1a}", "application/dicom; transfer-syntax=1.2.840.10008.1.2.4.50")]
    [InlineData($"/api/v1/dicomweb/studies/{Study1}/series/{Series1Cr}/instances/{Instance1a}/frames/1", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=1.2.840.10008.1.2.4.50")]
    public async Task A_syntax_we_cannot_produce_is_406_with_a_problem_at_every_level(string path, string accept)
    {
        using var response = await GetAsync(path, accept);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(406, problem.RootElement.GetProperty("status").GetInt32());
        Assert.EndsWith("not-acceptable", problem.RootElement.GetProperty("type").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_hospitals_uids_answer_exactly_like_missing_ones()
    {
        using var foreign = await GetAsync($"/api/v1/dicomweb/studies/{Study2}", AnySyntax, service.TokenB);
        using var missing = await GetAsync("/api/v1/dicomweb/studies/9.9.9.9", AnySyntax, service.TokenB);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(missing.StatusCode, foreign.StatusCode);
        var foreignBody = await foreign.Content.ReadAsStringAsync();
        var missingBody = await missing.Content.ReadAsStringAsync();
        Assert.Equal(missingBody.Replace("9.9.9.9", Study2, StringComparison.Ordinal), foreignBody);

        using var foreignMetadata = await GetAsync($"/api/v1/dicomweb/studies/{Study2}/metadata", null, service.TokenB);
        Assert.Equal(HttpStatusCode.NotFound, foreignMetadata.StatusCode);
        using var foreignRendered = await GetAsync(InstancePath(Study2, Series2, Instance2) + "/rendered", null, service.TokenB);
        Assert.Equal(HttpStatusCode.NotFound, foreignRendered.StatusCode);

        // Same UIDs in hospital B: its own instance, not A's.
        var theirs = Assert.Single(await PartsAsync($"/api/v1/dicomweb/studies/{Study1}", token: service.TokenB));
        Assert.NotEqual(service.SyntheticFiles[Instance1a], theirs.Body);
        Assert.Equal("B-777", DicomReader.Read(theirs.Body).Dataset.GetString(DicomTags.PatientID));

        using var noSeries = await GetAsync($"/api/v1/dicomweb/studies/{Study1}/series/9.9", AnySyntax);
        Assert.Equal(HttpStatusCode.NotFound, noSeries.StatusCode);
        Assert.Contains("series-not-found", await noSeries.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_is_the_dicom_json_of_each_stored_instance_with_bulk_data_uris()
    {
        foreach (var corpusFile in CorpusFiles)
        {
            var (study, series, instance, _) = Uids(corpusFile);
            var path = InstancePath(study, series, instance);
            using var response = await GetAsync(path + "/metadata", "application/dicom+json");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
            var served = JsonSerializer.Deserialize<JsonElement[]>(await response.Content.ReadAsStringAsync())!;

            var file = DicomReader.ReadFile(TestData.File(corpusFile));
            var bulk = new Uri(service.Server.BaseAddress, path).ToString() + "/bulkdata/";
            var expected = JsonSerializer.Deserialize<JsonElement>(DicomJsonWriter.Serialize(file.Dataset, new DicomJsonOptions { BulkDataUri = r => bulk + r.Path.Replace('/', '.') }));
            Assert.Equal(expected.GetRawText(), Assert.Single(served).GetRawText());
            Assert.Equal(bulk + "7FE00010", served[0].GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
        }

        using var studyMetadata = await GetAsync($"/api/v1/dicomweb/studies/{Study1}/metadata", null);
        var all = JsonSerializer.Deserialize<JsonElement[]>(await studyMetadata.Content.ReadAsStringAsync())!;
        Assert.Equal([Instance1a, Instance1b, Instance1Sr], all.Select(i => i.GetProperty("00080018").GetProperty("Value")[0].GetString()));
        Assert.Equal("Nguyễn^Thị Ánh", all[0].GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
    }

    [Fact]
    public async Task Bulk_data_uris_resolve_to_the_values()
    {
        var corpusFile = "dicom/derived_pediatric_cxr/peds_cxr_normal_IM-0101-0001_explicitLE.dcm";
        var (study, series, instance, _) = Uids(corpusFile);
        var part = Assert.Single(await PartsAsync(InstancePath(study, series, instance) + "/bulkdata/7FE00010", "multipart/related; type=\"application/octet-stream\""));
        var file = DicomReader.ReadFile(TestData.File(corpusFile), new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        Assert.Equal(file.Dataset.GetRawValue(DicomTags.PixelData).ToArray(), part.Body);

        using var missing = await GetAsync(InstancePath(study, series, instance) + "/bulkdata/60003000", null);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Frames_of_native_pixel_data_are_the_stored_frames_in_little_endian()
    {
        var multiframe = "dicom/pydicom-data/data_store/data/emri_small.dcm";
        var (study, series, instance, _) = Uids(multiframe);
        var parts = await PartsAsync(InstancePath(study, series, instance) + "/frames/1,3,10", "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*");
        var pixels = DicomReader.ReadFile(TestData.File(multiframe), new DicomReadOptions { PixelDataMode = PixelDataMode.Load }).Dataset.GetRawValue(DicomTags.PixelData).ToArray();
        var frameBytes = pixels.Length / 10;
        Assert.Equal(3, parts.Count);
        Assert.Equal(pixels[..frameBytes], parts[0].Body);
        Assert.Equal(pixels[(2 * frameBytes)..(3 * frameBytes)], parts[1].Body);
        Assert.Equal(pixels[(9 * frameBytes)..], parts[2].Body);
        Assert.StartsWith("application/octet-stream", parts[0].ContentType, StringComparison.Ordinal);

        var bigEndian = BigEndianFileOfB;
        (study, series, instance, _) = Uids(bigEndian);
        var frame = Assert.Single(await PartsAsync(InstancePath(study, series, instance) + "/frames/2", null, service.TokenB)).Body;
        var file = DicomReader.ReadFile(TestData.File(bigEndian), new DicomReadOptions { PixelDataMode = PixelDataMode.Load });
        Assert.True(file.Dataset.IsBigEndian);
        var samples = file.Dataset.GetUInt16s(DicomTags.PixelData); // converted to native (little endian) order
        Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.AsBytes(samples.AsSpan(4096, 4096)).ToArray(), frame);

        using var beyond = await GetAsync(InstancePath(study, series, instance) + "/frames/11", null, service.TokenB);
        Assert.Equal(HttpStatusCode.NotFound, beyond.StatusCode);

        var (s, se, i, _) = Uids("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm");
        using var compressed = await GetAsync(InstancePath(s, se, i) + "/frames/1", null);
        Assert.Equal(HttpStatusCode.NotAcceptable, compressed.StatusCode);
    }

    private async Task<SKBitmap> RenderedAsync(string path, string accept = "image/png")
    {
        using var response = await GetAsync(path, accept);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        Assert.Equal(accept == "*/*" ? "image/jpeg" : accept, response.Content.Headers.ContentType?.MediaType);
        return SKBitmap.Decode(body);
    }

    [Fact]
    public async Task Rendered_frames_go_through_the_voi_pipeline_and_honour_window_viewport_and_quality()
    {
        var path = InstancePath(Study1, Series1Cr, Instance1a);
        using (var png = await RenderedAsync(path + "/rendered"))
        {
            Assert.Equal((16, 8), (png.Width, png.Height));
            for (var i = 0; i < 16 * 8; i++)
            {
                Assert.Equal((byte)(i * 2), png.GetPixel(i % 16, i / 16).Red); // window 128/256 maps x to x
            }
        }

        using (var windowed = await RenderedAsync(path + "/frames/1/rendered?window=0,100"))
        {
            Assert.Equal(255, windowed.GetPixel(15, 7).Red); // 254 is far above 0 + 100/2
            Assert.Equal(128, windowed.GetPixel(0, 0).Red, 2.0); // 0 sits at the centre
        }

        using (var scaled = await RenderedAsync(path + "/rendered?viewport=64,64"))
        {
            Assert.Equal((64, 32), (scaled.Width, scaled.Height)); // fits inside, aspect kept
        }

        using (var cropped = await RenderedAsync(path + "/rendered?viewport=4,4,8,0,4,4"))
        {
            Assert.Equal((4, 4), (cropped.Width, cropped.Height));
            Assert.Equal(16, cropped.GetPixel(0, 0).Red); // source pixel (8, 0) = 8 × 2
        }

        using var low = await GetAsync(InstancePath(Study3, Series3, Instance3) + "/rendered?quality=5&viewport=256,256", "image/jpeg");
        using var high = await GetAsync(InstancePath(Study3, Series3, Instance3) + "/rendered?quality=100&viewport=256,256", "image/jpeg");
        Assert.True((await low.Content.ReadAsByteArrayAsync()).Length < (await high.Content.ReadAsByteArrayAsync()).Length);

        var (study, series, instance, _) = Uids("dicom/pydicom/src/pydicom/data/test_files/CT_small.dcm");
        using (var ct = await RenderedAsync(InstancePath(study, series, instance) + "/rendered", "*/*"))
        {
            Assert.Equal((128, 128), (ct.Width, ct.Height));
        }

        (study, series, instance, _) = Uids("dicom/pydicom/src/pydicom/data/test_files/examples_rgb_color.dcm");
        using (var colour = await RenderedAsync(InstancePath(study, series, instance) + "/rendered"))
        {
            Assert.Equal((320, 240), (colour.Width, colour.Height));
        }
    }

    [Fact]
    public async Task What_cannot_be_rendered_is_refused_with_a_problem()
    {
        var (study, series, instance, _) = Uids("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.80.dcm");
        using var jpegLs = await GetAsync(InstancePath(study, series, instance) + "/rendered", "image/jpeg");
        Assert.Equal(HttpStatusCode.NotAcceptable, jpegLs.StatusCode);
        using var sr = await GetAsync(InstancePath(Study1, Series1Sr, Instance1Sr) + "/rendered", "image/jpeg");
        Assert.Equal(HttpStatusCode.NotAcceptable, sr.StatusCode);
        using var gif = await GetAsync(InstancePath(Study1, Series1Cr, Instance1a) + "/rendered", "image/gif");
        Assert.Equal(HttpStatusCode.NotAcceptable, gif.StatusCode);
        using var badWindow = await GetAsync(InstancePath(Study1, Series1Cr, Instance1a) + "/rendered?window=1", "image/jpeg");
        Assert.Equal(HttpStatusCode.BadRequest, badWindow.StatusCode);
        using var noFrame = await GetAsync(InstancePath(Study1, Series1Cr, Instance1a) + "/frames/2/rendered", "image/jpeg");
        Assert.Equal(HttpStatusCode.NotFound, noFrame.StatusCode);
    }

    [Fact]
    public async Task Every_retrieval_is_audited_with_the_study_it_read()
    {
        await PartsAsync($"/api/v1/dicomweb/studies/{Study2}");
        await GetAsync($"/api/v1/dicomweb/studies/{Study2}/metadata", null);
        using var client = service.Client(service.TokenA);
        var audit = JsonSerializer.Deserialize<JsonElement>(await client.GetStringAsync("/api/v1/audit"));
        var records = audit.ValueKind == JsonValueKind.Array ? audit.EnumerateArray().ToList() : audit.GetProperty("items").EnumerateArray().ToList();
        var text = string.Join("\n", records.Select(r => r.GetRawText()));
        Assert.Contains("dicomweb.retrieve", text, StringComparison.Ordinal);
        Assert.Contains("dicomweb.metadata", text, StringComparison.Ordinal);
        Assert.Contains($"study {Study2}", text, StringComparison.Ordinal);
    }
}
