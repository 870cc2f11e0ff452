using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests;

/// <summary>
/// Two hospitals using both channels: hospital A over HTTP (single instances and a STOW-RS multipart request),
/// hospital B through its inbox folder. The files cover most transfer syntaxes of the shared corpus.
/// </summary>
public sealed class TwoHospitals : EmbeddedService
{
    public static readonly string[] SingleFiles =
    [
        "dicom/derived_pediatric_cxr/peds_cxr_normal_IM-0101-0001_explicitLE.dcm",
        "dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.dcm",
    ];

    public static readonly string[] MultipartFiles =
    [
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.1.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.1.99.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.2.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.80.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.90.dcm", // same study as .4.80: one study, two instances
    ];

    public static readonly string[] InboxFiles =
    [
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.51.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.57.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.70.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.81.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.91.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.5.dcm",
        "dicom/derived_pediatric_cxr/peds_cxr_normal_IM-0101-0001_explicitLE.dcm", // also sent by A: another tenant's patient
    ];

    /// <summary>One study per file, except .4.80/.4.90 which share a study, plus the malformed upload's own study.</summary>
    public static readonly int ExpectedStudiesA = SingleFiles.Length + MultipartFiles.Length - 1 + 1;

    public static readonly byte[] Malformed = "DICM? no: a truncated upload"u8.ToArray();

    public List<(string File, HttpStatusCode Status, JsonElement Body)> SingleResponses { get; } = [];

    public (HttpStatusCode Status, string ContentType, JsonElement Body) MultipartResponse { get; private set; }

    public (HttpStatusCode Status, JsonElement Body) MalformedResponse { get; private set; }

    public List<JsonElement> StudiesA { get; private set; } = [];

    public List<JsonElement> StudiesB { get; private set; } = [];

    public const string CorrelationId = "e2e-upload-0001";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var a = Client(TokenA);
        a.DefaultRequestHeaders.Add("X-Correlation-ID", CorrelationId);

        foreach (var file in SingleFiles)
        {
            using var content = new StreamContent(File.OpenRead(TestData.File(file)));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            using var response = await a.PostAsync("/api/v1/studies", content);
            SingleResponses.Add((file, response.StatusCode, JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync())));
        }

        using (var multipart = StowRequest(MultipartFiles))
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/studies") { Content = multipart })
        {
            request.Headers.Accept.ParseAdd("application/dicom+json");
            using var response = await a.SendAsync(request);
            MultipartResponse = (response.StatusCode, response.Content.Headers.ContentType?.MediaType ?? "",
                JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()));
        }

        using (var malformed = new ByteArrayContent(Malformed))
        {
            malformed.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            using var response = await a.PostAsync("/api/v1/studies", malformed);
            MalformedResponse = (response.StatusCode, JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync()));
        }

        // Hospital B drops files into its inbox (copied under a temporary name, then renamed, as a careful client does).
        var inbox = Path.Combine(DataPath, "inbox", TenantB, "2026-05-01");
        Directory.CreateDirectory(inbox);
        for (var i = 0; i < InboxFiles.Length; i++)
        {
            var target = Path.Combine(inbox, $"file{i:D2}.dcm");
            File.Copy(TestData.File(InboxFiles[i]), target + ".part");
            File.Move(target + ".part", target);
        }

        using var b = Client(TokenB);
        StudiesA = await WaitForFinalAsync(a, ExpectedStudiesA);
        StudiesB = await WaitForFinalAsync(b, InboxFiles.Length);
    }

    public static MultipartContent StowRequest(IEnumerable<string> files)
    {
        var multipart = new MultipartContent("related", "vnch-e2e-" + Guid.NewGuid().ToString("N"));
        multipart.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var file in files)
        {
            var part = new StreamContent(File.OpenRead(TestData.File(file)));
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            multipart.Add(part);
        }

        return multipart;
    }
}
