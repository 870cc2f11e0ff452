using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VNCH.Network.Api.Routing;
using VNCH.Network.Testing;

namespace VNCH.Network.Api.Tests.Security;

/// <summary>Issue 13 item 12: links come from the configured public base URL, never from a forged Host header.</summary>
public sealed class PublicLinkTests
{
    private static readonly byte[] Dicom = File.ReadAllBytes(TestData.File("dicom/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm"));

    [Fact]
    public async Task Upload_links_use_the_configured_base_url_whatever_the_Host_header_says()
    {
        var harness = new UploadHarness(("Vnch:Api:PublicBaseUrl", "https://api.vnch.test/base"));

        var (status, _, body, response) = await harness.PostAsync(new MemoryStream(Dicom), "application/dicom", host: "evil.example:8443");

        Assert.Equal(200, status);
        Assert.DoesNotContain("evil.example", body);
        Assert.StartsWith("https://api.vnch.test/base/api/v1/studies/", response.Headers.Location.ToString());
        var location = JsonDocument.Parse(body).RootElement.GetProperty("studies")[0].GetProperty("location").GetString();
        Assert.StartsWith("https://api.vnch.test/base/api/v1/studies/", location);
    }

    [Fact]
    public async Task Without_a_configured_base_url_links_are_relative_never_the_Host_header()
    {
        var harness = new UploadHarness();

        var (_, _, body, response) = await harness.PostAsync(new MemoryStream(Dicom), "application/dicom", host: "evil.example");

        Assert.DoesNotContain("evil.example", body);
        Assert.StartsWith("/api/v1/studies/", response.Headers.Location.ToString());
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://api.vnch.test")]
    [InlineData("https://api.vnch.test/?q=1")]
    [InlineData("https://user:pw@api.vnch.test")]
    public void A_malformed_base_url_is_refused_at_start(string value)
    {
        Assert.False(new PublicUrlOptions { PublicBaseUrl = value }.IsValid);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    [InlineData("https://vnch.local:8443/", "https://vnch.local:8443")]
    [InlineData("http://0.0.0.0:5080", null)]
    [InlineData("http://[::]:5080", null)]
    [InlineData("http://127.0.0.1:0", null)]
    [InlineData("http://127.0.0.1:5080;http://10.0.0.5:5080", null)]
    [InlineData(null, null)]
    public void The_embedded_default_is_the_one_concrete_address_the_operator_bound(string? urls, string? expected)
    {
        Assert.Equal(expected, PublicUrlOptions.FromBinding(urls));
    }
}
