using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using SkiaSharp;
using VNCH.Network.Testing;
using static VNCH.Network.EndToEnd.Tests.DicomWeb.DicomWebHospitals;

namespace VNCH.Network.EndToEnd.Tests.DicomWeb;

/// <summary>
/// A DICOMweb client nobody here wrote — the npm dicomweb-client that OHIF uses, under node — talks to the embedded
/// server on loopback with hospital A's bearer token: it searches, retrieves (metadata, instance, study, frames) and
/// renders, and what it got is checked against what A stored. npm installs it into .ci/tools once.
/// </summary>
public sealed class DicomWebClientTests(DicomWebHospitals service) : IClassFixture<DicomWebHospitals>
{
    [Fact]
    public async Task The_npm_dicomweb_client_searches_retrieves_and_renders_with_a_bearer_token()
    {
        var session = await RunSessionAsync(service.TokenA);

        var study = Assert.Single(session.GetProperty("studies").EnumerateArray());
        Assert.Equal(Study1, study.GetProperty("uid").GetString());
        Assert.Equal("Nguyễn^Thị Ánh", study.GetProperty("name").GetString());
        Assert.Equal("BV-NHI", study.GetProperty("issuer").GetString());
        Assert.Equal(3, study.GetProperty("instances").GetInt32());

        Assert.Equal([(Series1Cr, "CR"), (Series1Sr, "SR")],
            session.GetProperty("series").EnumerateArray().Select(s => (s.GetProperty("uid").GetString(), s.GetProperty("modality").GetString())));
        Assert.Equal([Instance1a, Instance1b], session.GetProperty("instances").EnumerateArray().Select(i => i.GetString()));

        var metadata = session.GetProperty("metadata").EnumerateArray().ToList();
        Assert.Equal([Instance1a, Instance1b, Instance1Sr], metadata.Select(m => m.GetProperty("uid").GetString()));
        Assert.EndsWith($"/instances/{Instance1a}/bulkdata/7FE00010", metadata[0].GetProperty("pixelData").GetString(), StringComparison.Ordinal);

        Assert.Equal(Sha256(service.SyntheticFiles[Instance1a]), session.GetProperty("instanceSha256").GetString());
        Assert.Equal(new[] { Instance1a, Instance1b, Instance1Sr }.Select(uid => Sha256(service.SyntheticFiles[uid])),
            session.GetProperty("studySha256").EnumerateArray().Select(h => h.GetString()));

        var frame = Convert.FromBase64String(Assert.Single(session.GetProperty("frameBytes").EnumerateArray()).GetString()!);
        Assert.Equal(Enumerable.Range(0, 128).Select(i => (byte)(i * 2)), frame);

        var pngBytes = Convert.FromBase64String(session.GetProperty("renderedPng").GetString()!);
        Assert.True(pngBytes.AsSpan().StartsWith(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }), $"not a PNG: {System.Text.Encoding.Latin1.GetString(pngBytes.AsSpan(0, Math.Min(80, pngBytes.Length)))}");
        using var png = SKBitmap.Decode(pngBytes);
        Assert.Equal((16, 8), (png.Width, png.Height));
        Assert.Equal(254, png.GetPixel(15, 7).Red);

        Assert.Equal(404, session.GetProperty("refused").GetInt32());
    }

    [Fact]
    public async Task With_hospital_Bs_token_the_client_finds_none_of_As_patients()
    {
        var psi = await StartInfoAsync(service.TokenB);
        using var process = Process.Start(psi)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        // B has Study1's UIDs (its own patient) but no Nguyễn: the search is empty; B's own study is retrieved.
        Assert.True(process.ExitCode == 0, stderr);
        var session = JsonSerializer.Deserialize<JsonElement>(stdout);
        Assert.Empty(session.GetProperty("studies").EnumerateArray());
        Assert.NotEqual(Sha256(service.SyntheticFiles[Instance1a]), session.GetProperty("instanceSha256").GetString());
    }

    private async Task<JsonElement> RunSessionAsync(string token)
    {
        var psi = await StartInfoAsync(token);
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"node exited {process.ExitCode}: {await stderr}");
        return JsonSerializer.Deserialize<JsonElement>(await stdout);
    }

    private async Task<ProcessStartInfo> StartInfoAsync(string token)
    {
        var modules = await InstallClientAsync();
        var script = Path.Combine(TestData.RepositoryRoot, "tests", "VNCH.Network.EndToEnd.Tests", "DicomWeb", "client", "dicomweb-client-session.cjs");
        var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["NODE_PATH"] = modules;
        foreach (var argument in new[] { script, new Uri(service.Server.BaseAddress, "/api/v1/dicomweb").ToString(), token, Study1, Series1Cr, Instance1a })
        {
            psi.ArgumentList.Add(argument);
        }

        return psi;
    }

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>Runs .ci/install-dicomweb-client.sh (a no-op once installed); its last line is the node_modules path.</summary>
    private static async Task<string> InstallClientAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Path.Combine(TestData.RepositoryRoot, ".ci", "install-dicomweb-client.sh"));
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(process.ExitCode == 0, $"installing dicomweb-client failed: {await stderr}");
            return (await stdout).Trim().Split('\n')[^1];
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();
}
