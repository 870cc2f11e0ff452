using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VNCH.Network.Dicom;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Signals.Ecg.Analysis;
using VNCH.Network.Signals.Ecg.Dicom;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>`vnch samples` run as a process three times: seed 20261102 twice (default count) and seed 7 with two of each.</summary>
public sealed class GeneratedSamples : IAsyncLifetime
{
    public const int Seed = 20261102;

    private readonly TempDirectory scratch = new("vnch-samples");

    public string Folder => Path.Combine(scratch.Path, "a");

    public string Again => Path.Combine(scratch.Path, "b");

    public string OtherSeed => Path.Combine(scratch.Path, "c");

    public string Stdout { get; private set; } = "";

    public JsonElement Manifest { get; private set; }

    public IReadOnlyList<JsonElement> Files => Manifest.GetProperty("files").EnumerateArray().ToList();

    public IEnumerable<JsonElement> OfKind(string kind) => Files.Where(f => f.GetProperty("kind").GetString() == kind);

    public string PathOf(JsonElement entry) => System.IO.Path.Combine(Folder, entry.GetProperty("path").GetString()!);

    public async Task InitializeAsync()
    {
        var seed = Seed.ToString(CultureInfo.InvariantCulture);
        var runs = await Task.WhenAll(
            BuiltProgram.RunCliAsync("samples", Folder, "--seed", seed),
            BuiltProgram.RunCliAsync("samples", Again, "--seed", seed),
            BuiltProgram.RunCliAsync("samples", OtherSeed, "--seed", "7", "--count", "2"));
        foreach (var (exitCode, stdout, stderr) in runs)
        {
            Assert.True(exitCode == 0, $"vnch samples exited {exitCode}: {stdout}{stderr}");
            Assert.Equal(string.Empty, stderr);
        }

        Stdout = runs[0].Stdout;
        Manifest = JsonSerializer.Deserialize<JsonElement>(await File.ReadAllTextAsync(Path.Combine(Folder, "manifest.json")));
    }

    public Task DisposeAsync()
    {
        scratch.Dispose();
        return Task.CompletedTask;
    }
}

public sealed class SamplesTests(GeneratedSamples samples) : IClassFixture<GeneratedSamples>
{
    public static TheoryData<string> Kinds() => new("cr-image", "ecg-dicom", "ecg-aecg", "audiogram");

    [Fact]
    public void The_manifest_lists_every_file_with_its_hash_and_seven_of_each_kind()
    {
        Assert.Equal(GeneratedSamples.Seed, samples.Manifest.GetProperty("seed").GetInt32());
        Assert.Contains("Wrote 28 sample files", samples.Stdout, StringComparison.Ordinal);
        var listed = samples.Files.Select(f => f.GetProperty("path").GetString()!).Order(StringComparer.Ordinal).ToList();
        var onDisk = Directory.GetFiles(samples.Folder, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(samples.Folder, p).Replace('\\', '/'))
            .Where(p => p != "manifest.json")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(onDisk, listed);
        foreach (var kind in new[] { "cr-image", "ecg-dicom", "ecg-aecg", "audiogram" })
        {
            Assert.Equal(7, samples.OfKind(kind).Count());
        }

        Assert.All(samples.Files, f => Assert.Equal(
            f.GetProperty("sha256").GetString(),
            Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(samples.PathOf(f))))));
    }

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_other_files()
    {
        var first = Directory.GetFiles(samples.Folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(29, first.Count);
        foreach (var file in first)
        {
            var twin = Path.Combine(samples.Again, Path.GetRelativePath(samples.Folder, file));
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(twin)), $"{file} differs between two runs with the same seed.");
        }

        var other = JsonSerializer.Deserialize<JsonElement>(File.ReadAllText(Path.Combine(samples.OtherSeed, "manifest.json")));
        var otherFiles = other.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(8, otherFiles.Count);
        Assert.All(otherFiles, f => Assert.DoesNotContain(samples.Files, g => g.GetProperty("sha256").GetString() == f.GetProperty("sha256").GetString()));
    }

    [Fact]
    public void Patients_have_vietnamese_names_both_sexes_and_ages_across_the_ich_e11_bands()
    {
        var patients = samples.Files.Select(f => f.GetProperty("patient")).ToList();
        Assert.All(patients, p =>
        {
            var name = p.GetProperty("name").GetString()!;
            Assert.Equal(3, name.Split(' ').Length);
            Assert.Contains(name, c => c > 0x7F); // diacritics: every name exercises UTF-8
        });
        Assert.Equal(["female", "male"], patients.Select(p => p.GetProperty("sex").GetString()).Distinct().Order(StringComparer.Ordinal));
        var bands = patients.Select(p => p.GetProperty("ageBand").GetString()).ToHashSet();
        Assert.Superset(new HashSet<string?> { "0-27d", "28d-23m", "2-11y", "12-15y", "16-17y" }, bands);
        Assert.Contains(patients, p => p.GetProperty("ageDays").GetInt32() < 28);
    }

    [Fact]
    public void Every_dicom_sample_passes_dcmdump_and_dciodvfy_without_errors_or_warnings()
    {
        var dicom = samples.Files.Where(f => f.GetProperty("mediaType").GetString() == "application/dicom").ToList();
        Assert.Equal(14, dicom.Count);
        foreach (var entry in dicom)
        {
            var path = samples.PathOf(entry);
            var (dumpExit, dump, dumpErrors) = Run("dcmdump", "+E", path);
            Assert.True(dumpExit == 0, $"dcmdump +E {path} exited {dumpExit}: {dumpErrors}");
            Assert.DoesNotContain("E: ", dumpErrors, StringComparison.Ordinal);
            Assert.Contains("ISO_IR 192", dump, StringComparison.Ordinal);

            // dciodvfy writes its findings to stderr; the IOD name (CRImage, TwelveLeadECG) alone means a clean object.
            var (_, verifyOut, verifyErrors) = Run("dciodvfy", path);
            var findings = (verifyOut + verifyErrors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Contains(findings, l => l is "CRImage" or "TwelveLeadECG");
            Assert.True(findings.All(l => !l.StartsWith("Error", StringComparison.Ordinal) && !l.StartsWith("Warning", StringComparison.Ordinal)),
                $"dciodvfy {path}:\n{string.Join('\n', findings)}");
        }
    }

    [Fact]
    public void Chest_radiographs_are_cr_chest_frontal_views_with_both_photometric_interpretations_and_12_to_16_bits()
    {
        var photometric = new HashSet<string>();
        var bits = new HashSet<int>();
        foreach (var entry in samples.OfKind("cr-image"))
        {
            var dataset = DicomReader.ReadFile(samples.PathOf(entry)).Dataset;
            Assert.Equal("1.2.840.10008.5.1.4.1.1.1", dataset.GetString(DicomTags.SOPClassUID));
            Assert.Equal("CR", dataset.GetString(DicomTags.Modality));
            Assert.Equal("CHEST", dataset.GetString(DicomTags.BodyPartExamined));
            Assert.Contains(dataset.GetString(DicomTags.ViewPosition), new[] { "AP", "PA" });
            Assert.Equal(entry.GetProperty("patient").GetProperty("dicomName").GetString(), dataset.GetString(DicomTags.PatientName));
            Assert.StartsWith("2.25.", dataset.GetString(DicomTags.StudyInstanceUID), StringComparison.Ordinal);
            Assert.True(DicomUid.IsValid(dataset.GetString(DicomTags.SOPInstanceUID)));
            photometric.Add(dataset.GetString(DicomTags.PhotometricInterpretation));
            bits.Add(dataset.GetInt32OrDefault(DicomTags.BitsStored, 0));
        }

        Assert.Equal(["MONOCHROME1", "MONOCHROME2"], photometric.Order(StringComparer.Ordinal));
        Assert.All(bits, b => Assert.InRange(b, 12, 16));
        Assert.True(bits.Count >= 3);
    }

    [Theory]
    [InlineData("ecg-dicom")]
    [InlineData("ecg-aecg")]
    public void Our_ecg_analyser_measures_the_heart_rate_each_ecg_was_generated_at(string kind)
    {
        var rates = new List<int>();
        foreach (var entry in samples.OfKind(kind))
        {
            EcgRecording recording;
            using (var stream = File.OpenRead(samples.PathOf(entry)))
            {
                recording = kind == "ecg-dicom" ? DicomWaveformReader.Read(stream) : AecgReader.Read(stream);
            }

            var generated = entry.GetProperty("truth").GetProperty("heartRateBpm").GetInt32();
            var analysis = EcgInterpreter.Interpret(recording);
            Assert.Equal(LeadNames.TwelveLead, recording.Leads.Select(l => l.Name));
            Assert.Equal(500, recording.SamplingRateHz, 6);
            Assert.Equal(entry.GetProperty("patient").GetProperty("ageDays").GetInt32(), analysis.AgeDays);
            Assert.NotNull(analysis.HeartRateBpm);
            Assert.True(Math.Abs(analysis.HeartRateBpm!.Value - generated) <= 2, $"{entry.GetProperty("path")}: generated at {generated}/min, measured {analysis.HeartRateBpm:F1}/min");
            rates.Add(generated);
        }

        Assert.Contains(rates, r => r >= 120); // newborns and infants
        Assert.Contains(rates, r => r <= 90);  // adolescents
    }

    [Fact]
    public void Our_audiogram_interpreter_grades_every_audiogram_as_generated_and_all_who_grades_occur()
    {
        var grades = new HashSet<WhoHearingGrade>();
        var masked = 0;
        foreach (var entry in samples.OfKind("audiogram"))
        {
            var truth = entry.GetProperty("truth");
            AudiogramDocument document;
            using (var stream = File.OpenRead(samples.PathOf(entry)))
            {
                document = AudiogramReader.Read(stream);
            }

            var analysis = AudiogramInterpreter.Interpret(document);
            var expected = Enum.Parse<WhoHearingGrade>(truth.GetProperty("whoGrade").GetString()!);
            Assert.Equal(expected, analysis.Grade);
            Assert.Equal(truth.GetProperty("rightPta4DbHl").GetDouble(), analysis.Right!.Pta4DbHl);
            Assert.Equal(truth.GetProperty("leftPta4DbHl").GetDouble(), analysis.Left!.Pta4DbHl);
            Assert.NotEmpty(document.Right!.AirConduction);
            grades.Add(expected);
            masked += truth.GetProperty("masked").GetBoolean() ? 1 : 0;
        }

        Assert.Equal(Enum.GetValues<WhoHearingGrade>().ToHashSet(), grades);
        Assert.True(masked > 0, "no audiogram has masked thresholds");
        Assert.Contains(samples.OfKind("audiogram"), e => File.ReadAllText(samples.PathOf(e)).Contains("boneConduction", StringComparison.Ordinal));
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, StandardOutputEncoding = Encoding.UTF8 };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} is not installed (dcmtk and dicom3tools are installed by .ci/run).", ex);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result, stderr);
        }
    }
}
