using System.Net;
using System.Net.Http.Headers;
using VNCH.Network.Dicom;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.DicomWeb;

/// <summary>
/// Two hospitals for the DICOMweb tests. Hospital A stores, through the DICOMweb base URL (STOW-RS), three studies
/// built here with Vietnamese names and known attributes, and corpus files in several transfer syntaxes; hospital B
/// stores an instance with the same UIDs as one of A's (another patient): the same UIDs, two studies.
/// </summary>
public sealed class DicomWebHospitals : EmbeddedService
{
    public const string Study1 = "2.25.90001";
    public const string Study2 = "2.25.90002";
    public const string Study3 = "2.25.90003";
    public const string Series1Cr = "2.25.90001.1";
    public const string Series1Sr = "2.25.90001.2";
    public const string Series2 = "2.25.90002.1";
    public const string Series3 = "2.25.90003.1";
    public const string Instance1a = "2.25.90001.1.1";
    public const string Instance1b = "2.25.90001.1.2";
    public const string Instance1Sr = "2.25.90001.2.1";
    public const string Instance2 = "2.25.90002.1.1";
    public const string Instance3 = "2.25.90003.1.1";
    public const string SecondaryCapture = "1.2.840.10008.5.1.4.1.1.7";
    public const string BasicTextSr = "1.2.840.10008.5.1.4.1.1.88.11";
    public const string Synthetic = Study1 + "," + Study2 + "," + Study3;

    public static readonly string[] CorpusFiles =
    [
        "dicom/derived_pediatric_cxr/peds_cxr_normal_IM-0101-0001_explicitLE.dcm",
        "dicom/derived_pediatric_cxr/peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.1.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.2.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.80.dcm",
        "dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.5.dcm",
        "dicom/pydicom/src/pydicom/data/test_files/CT_small.dcm",
        "dicom/pydicom/src/pydicom/data/test_files/MR_small.dcm",
        "dicom/pydicom/src/pydicom/data/test_files/examples_rgb_color.dcm",
        "dicom/pydicom-data/data_store/data/emri_small.dcm",
    ];

    /// <summary>Big-endian copy of emri_small with the same UIDs: stored by hospital B (in A it would conflict with emri_small).</summary>
    public const string BigEndianFileOfB = "dicom/pydicom-data/data_store/data/emri_small_big_endian.dcm";

    /// <summary>The synthetic instances by SOP Instance UID, as stored.</summary>
    public Dictionary<string, byte[]> SyntheticFiles { get; } = [];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var instances = new[]
        {
            Build(Study1, Series1Cr, Instance1a, 1, "CR", 1, "Nguyễn^Thị Ánh", "VN-001", "20240105", "103000", "A-100", "Trần^Bảo", "F"),
            Build(Study1, Series1Cr, Instance1b, 1, "CR", 2, "Nguyễn^Thị Ánh", "VN-001", "20240105", "103000", "A-100", "Trần^Bảo", "F"),
            Build(Study1, Series1Sr, Instance1Sr, 2, "SR", 1, "Nguyễn^Thị Ánh", "VN-001", "20240105", "103000", "A-100", "Trần^Bảo", "F"),
            Build(Study2, Series2, Instance2, 1, "CT", 1, "Lê^Văn Bình", "VN-002", "20240220", "154500", "A-200", "Phạm^Hoa", "M"),
            Build(Study3, Series3, Instance3, 1, "MR", 1, "NGUYEN^AN", "VN-003", "20231231", "080000", "A-300", "Võ^Lan", "M"),
        };
        foreach (var (uid, bytes) in instances)
        {
            SyntheticFiles[uid] = bytes;
        }

        using var a = Client(TokenA);
        await StoreAsync(a, [.. instances.Select(i => i.Bytes), .. CorpusFiles.Select(f => File.ReadAllBytes(TestData.File(f)))]);

        using var b = Client(TokenB);
        await StoreAsync(b, [Build(Study1, Series1Cr, Instance1a, 1, "CR", 1, "Đặng^Minh", "B-777", "20240105", "103000", "B-1", "Hồ^Nam", "M").Bytes, File.ReadAllBytes(TestData.File(BigEndianFileOfB))]);
    }

    /// <summary>STOW-RS through the DICOMweb base URL, as a DICOMweb client sends it.</summary>
    public static async Task StoreAsync(HttpClient client, IReadOnlyList<byte[]> files)
    {
        using var multipart = new MultipartContent("related", "vnch-dicomweb-" + Guid.NewGuid().ToString("N"));
        multipart.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        foreach (var file in files)
        {
            var part = new ByteArrayContent(file);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
            multipart.Add(part);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/dicomweb/studies") { Content = multipart };
        request.Headers.Accept.ParseAdd("application/dicom+json");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"STOW-RS answered {response.StatusCode}: {body}");
    }

    private static (string Uid, byte[] Bytes) Build(string study, string series, string instance, int seriesNumber, string modality, int instanceNumber,
        string patientName, string patientId, string date, string time, string accession, string referring, string sex)
    {
        var ds = Contracts.Contracts.DicomIndexContractTests.Dataset(study, series, instance, patientName, patientId, date, time, modality,
                seriesNumber, instanceNumber, accession, referring, modality == "SR" ? BasicTextSr : SecondaryCapture)
            .Add(DicomTags.StudyDescription, "Chụp X-quang ngực trẻ em")
            .Add(DicomTags.SeriesDescription, $"Loạt {seriesNumber}")
            .Add(DicomTags.IssuerOfPatientID, "BV-NHI")
            .Add(DicomTags.PatientBirthDate, "20230105")
            .Add(DicomTags.PatientSex, sex);
        if (modality != "SR")
        {
            // 16 × 8 MONOCHROME2 ramp, 8 bits, with a window: small enough to check every rendered pixel.
            var pixels = new byte[16 * 8];
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = (byte)(i * 2);
            }

            ds.Add(DicomTags.SamplesPerPixel, 1)
                .Add(DicomTags.PhotometricInterpretation, "MONOCHROME2")
                .Add(DicomTags.Rows, 8)
                .Add(DicomTags.Columns, 16)
                .Add(DicomTags.BitsAllocated, 8)
                .Add(DicomTags.BitsStored, 8)
                .Add(DicomTags.HighBit, 7)
                .Add(DicomTags.PixelRepresentation, 0)
                .Add(DicomTags.WindowCenter, "128")
                .Add(DicomTags.WindowWidth, "256")
                .Add(DicomTags.PixelData, DicomVR.OB, pixels);
        }

        using var stream = new MemoryStream();
        DicomWriter.Write(stream, ds);
        return (instance, stream.ToArray());
    }
}
