using System.Security.Cryptography;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Testing;
using static VNCH.Network.Api.Tests.Security.UploadHarness;

namespace VNCH.Network.Api.Tests.Security;

/// <summary>Issue 13 item 7 at the HTTP boundary: a hospital past its storage quota gets 507 problem+json (ADR 0108).</summary>
public sealed class StorageQuotaResponseTests
{
    private static readonly byte[] Dicom = File.ReadAllBytes(TestData.File("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm"));

    [Fact]
    public async Task An_upload_past_the_hospitals_document_quota_is_507_storage_quota_exceeded_without_retry_after_and_stores_nothing()
    {
        var harness = new UploadHarness(("Vnch:Quotas:MaxDocuments", "1"));

        var first = await harness.PostAsync(new MemoryStream(Dicom), "application/dicom");
        var second = await harness.PostAsync(new MemoryStream(RandomNumberGenerator.GetBytes(2000)), "application/dicom");

        Assert.Equal(200, first.Status);
        Assert.Equal(507, second.Status);
        Assert.StartsWith("application/problem+json", second.ContentType);
        Assert.Equal("https://vnch.network/problems/storage-quota-exceeded", ProblemType(second.Body));
        Assert.False(second.Response.Headers.ContainsKey("Retry-After")); // retrying does not help until the quota is raised
        Assert.Equal(1, (await harness.Originals.MeasureAsync(UploadHarness.Tenant, CancellationToken.None)).Documents);
    }

    [Fact]
    public async Task A_multipart_upload_that_reaches_the_byte_quota_keeps_the_parts_before_it_and_reads_nothing_after_it()
    {
        var harness = new UploadHarness(("Vnch:Quotas:MaxOriginalBytes", (Dicom.Length + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var body = Multipart("q1",
            ("Content-Type: application/dicom", Dicom),
            ("Content-Type: application/dicom", RandomNumberGenerator.GetBytes(50_000)),
            ("Content-Type: application/dicom", RandomNumberGenerator.GetBytes(500)));

        var (status, _, text, _) = await harness.PostAsync(new MemoryStream(body), "multipart/related; type=\"application/dicom\"; boundary=q1");

        Assert.Equal(507, status);
        Assert.EndsWith("/storage-quota-exceeded", ProblemType(text));
        Assert.Equal(1, (await harness.Originals.MeasureAsync(UploadHarness.Tenant, CancellationToken.None)).Documents); // the first part only
        Assert.Equal(0, (await harness.Originals.MeasureAsync(TenantId.Parse("hosp-b"), CancellationToken.None)).Documents);
    }
}
