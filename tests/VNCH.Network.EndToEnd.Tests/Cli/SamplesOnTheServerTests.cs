using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>
/// A generated sample set uploaded with `vnch upload` to the embedded server with its analysers: every file is accepted
/// and every study ends `completed` — the chest radiographs by the pneumonia model, the ECGs (DICOM and aECG) by the
/// ECG analyser, the audiograms by the audiometry analyser.
/// </summary>
public sealed class SamplesOnTheServerTests(EmbeddedService service) : IClassFixture<EmbeddedService>, IDisposable
{
    private readonly TempDirectory scratch = new("vnch-samples-upload");

    [Fact]
    public async Task Every_sample_is_accepted_and_analysed_to_completion()
    {
        var folder = Path.Combine(scratch.Path, "samples");
        var generated = await BuiltProgram.RunCliAsync("samples", folder, "--seed", "3", "--count", "3");
        Assert.True(generated.ExitCode == 0, generated.Stdout + generated.Stderr);

        var (exitCode, report, stderr) = await CliProcess.RunJsonAsync(
            TimeSpan.FromMinutes(3),
            "upload", Path.Combine(folder, "cr"), Path.Combine(folder, "ecg"), Path.Combine(folder, "audiograms"), "--json",
            "--journal", Path.Combine(scratch.Path, "journal.jsonl"), "--server", service.Server.BaseAddress.ToString(), "--token", service.TokenA);

        Assert.True(exitCode == 0, $"{report}\n{stderr}");
        var files = report.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(12, files.Count);
        Assert.All(files, f => Assert.Equal("accepted", f.GetProperty("status").GetString()));

        using var client = service.Client(service.TokenA);
        var studies = await service.WaitForFinalAsync(client, 12, TimeSpan.FromMinutes(3));
        Assert.Equal(12, studies.Count);
        Assert.All(studies, s => Assert.True(s.GetProperty("status").GetString() == "completed", s.ToString()));
        var kinds = studies.GroupBy(s => s.GetProperty("kind").GetString()!.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, kinds.GetValueOrDefault("imaging"));
        Assert.Equal(6, kinds.GetValueOrDefault("ecg"));
        Assert.Equal(3, kinds.GetValueOrDefault("audiogram"));
    }

    public void Dispose() => scratch.Dispose();
}
