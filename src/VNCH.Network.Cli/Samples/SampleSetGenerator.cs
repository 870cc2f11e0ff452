using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using VNCH.Network.Cli.Commands;
using VNCH.Network.Core;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Dicom;
using VNCH.Network.Signals.Audiometry;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Aecg;
using VNCH.Network.Signals.Ecg.Dicom;
using VNCH.Network.Signals.Ecg.Synthesis;

namespace VNCH.Network.Cli.Samples;

/// <summary>The kinds of file in a sample set, as the manifest names them.</summary>
public static class SampleKinds
{
    public const string ChestRadiograph = "cr-image";
    public const string EcgDicom = "ecg-dicom";
    public const string EcgAecg = "ecg-aecg";
    public const string Audiogram = "audiogram";
}

public sealed record ManifestPatient(string Id, string Issuer, string Name, string DicomName, string Sex, string BirthDate, int AgeDays, string AgeBand);

/// <summary>One file and what it was generated to show (<see cref="Truth"/> depends on the kind).</summary>
public sealed record ManifestEntry(string Path, string Kind, string MediaType, string Sha256, ManifestPatient Patient, string StudyDate, string StudyUid, IReadOnlyDictionary<string, object?> Truth);

public sealed record SampleManifest(string Generator, int Seed, int Count, IReadOnlyList<ManifestEntry> Files);

/// <summary>
/// Writes a deterministic sample set into a folder: <c>count</c> chest radiographs (cr/), <c>count</c> ECGs each as a
/// DICOM 12-lead waveform and as HL7 aECG (ecg/), <c>count</c> audiograms cycling through the seven WHO grades
/// (audiograms/), and manifest.json with every file, its patient and its ground truth. The same seed and count give the
/// same bytes: every random choice comes from a <see cref="Random"/> seeded from (seed, kind, index), every UID from
/// <see cref="DicomUid.FromName"/> of the same, and no clock is read.
/// </summary>
public static class SampleSetGenerator
{
    public const string ManifestFileName = "manifest.json";

    private const string Manufacturer = "VNCH.Network samples";
    private const string Institution = "Bệnh viện Nhi (dữ liệu mẫu)"; // "Children's hospital (sample data)"

    public static SampleManifest Generate(string folder, int count, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var entries = new List<ManifestEntry>();
        foreach (var sub in new[] { "cr", "ecg", "audiograms" })
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
        }

        for (var i = 0; i < count; i++)
        {
            entries.Add(ChestRadiograph(folder, seed, i));
        }

        for (var i = 0; i < count; i++)
        {
            entries.AddRange(Ecg(folder, seed, i));
        }

        for (var i = 0; i < count; i++)
        {
            entries.Add(Audiogram(folder, seed, i));
        }

        var manifest = new SampleManifest("vnch samples", seed, count, entries);
        File.WriteAllText(Path.Combine(folder, ManifestFileName), JsonSerializer.Serialize(manifest, JsonOutput.Options) + "\n");
        return manifest;
    }

    private static Random RandomFor(int seed, string kind, int index)
    {
        // A stable mix of the three (string.GetHashCode is randomised per process).
        var bytes = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}/{kind}/{index}"));
        return new Random(BitConverter.ToInt32(bytes, 0) & int.MaxValue);
    }

    private static string Uid(int seed, string kind, int index, string what) => DicomUid.FromName($"vnch-samples/{seed}/{kind}/{index}/{what}");

    private static ManifestEntry ChestRadiograph(string folder, int seed, int index)
    {
        var random = RandomFor(seed, SampleKinds.ChestRadiograph, index);
        var patient = SamplePatients.Make(random, $"S{seed}-CR", index);
        var infant = patient.AgeDays < 731;
        var rows = new[] { 1024, 1152, 1280 }[index % 3];
        const int Columns = 1024;
        var bitsStored = new[] { 12, 14, 16, 13, 15 }[index % 5];
        var monochrome1 = index % 3 == 1;
        var opacity = (index % 4) switch { 1 => "right", 3 => "left", _ => null };
        var density = ChestRadiographPhantom.Render(new ChestPhantomOptions { Rows = rows, Columns = Columns, Infant = infant, OpacityIn = opacity }, random.Next());

        var max = (1 << bitsStored) - 1;
        var pixels = new ushort[density.Length];
        for (var i = 0; i < density.Length; i++)
        {
            var value = (ushort)Math.Round(max * (0.04 + (0.92 * Math.Clamp(density[i] / 0.95, 0, 1))));
            pixels[i] = monochrome1 ? (ushort)(max - value) : value;
        }

        var sorted = (ushort[])pixels.Clone();
        Array.Sort(sorted);
        double low = sorted[(int)(sorted.Length * 0.01)], high = sorted[(int)(sorted.Length * 0.995)];
        var view = infant ? "AP" : "PA";
        // The chest fills about 1.3 times its width on the detector; a newborn's chest is ~10 cm wide, a 17-year-old's ~30 cm.
        var chestWidthMm = 100 + (200 * Math.Min(1, patient.AgeDays / 6200.0));
        var spacing = Math.Round(chestWidthMm * 1.3 / Columns, 3);

        var studyUid = Uid(seed, SampleKinds.ChestRadiograph, index, "study");
        var dataset = Common(patient, studyUid, Uid(seed, SampleKinds.ChestRadiograph, index, "series"), Uid(seed, SampleKinds.ChestRadiograph, index, "instance"), "1.2.840.10008.5.1.4.1.1.1", "CR")
            .Add(DicomTags.ImageType, "ORIGINAL", "PRIMARY")
            .Add(DicomTags.StudyDescription, "X-quang ngực thẳng") // frontal chest X-ray
            .Add(DicomTags.SeriesDescription, $"Ngực {view}")
            .Add(DicomTags.BodyPartExamined, "CHEST")
            .Add(DicomTags.ViewPosition, view)
            .Add(DicomTags.KVP, infant ? 60.0 : 70.0)
            .Add(DicomTags.DistanceSourceToDetector, view == "AP" ? 1000.0 : 1800.0)
            .Add(DicomTags.ImagerPixelSpacing, spacing, spacing)
            .Add(DicomTags.PatientOrientation, "L", "F")
            .Add(DicomTags.AcquisitionDate, patient.StudyDate)
            .Add(DicomTags.AcquisitionTime, TimeOnly.FromDateTime(patient.StudyTime))
            .Add(DicomTags.LossyImageCompression, "00")
            .Add(DicomTags.SamplesPerPixel, 1)
            .Add(DicomTags.PhotometricInterpretation, monochrome1 ? "MONOCHROME1" : "MONOCHROME2")
            .Add(DicomTags.Rows, rows)
            .Add(DicomTags.Columns, Columns)
            .Add(DicomTags.BitsAllocated, 16)
            .Add(DicomTags.BitsStored, bitsStored)
            .Add(DicomTags.HighBit, bitsStored - 1)
            .Add(DicomTags.PixelRepresentation, 0)
            .Add(DicomTags.WindowCenter, Math.Round((low + high) / 2))
            .Add(DicomTags.WindowWidth, Math.Round(high - low))
            .Add(DicomTags.PixelData, DicomVR.OW, System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()).ToArray());

        var path = Path.Combine("cr", $"cr-{index + 1:000}.dcm");
        DicomWriter.WriteFile(Path.Combine(folder, path), dataset);
        return Entry(folder, path, SampleKinds.ChestRadiograph, MediaTypes.Dicom, patient, studyUid, new Dictionary<string, object?>
        {
            ["modality"] = "CR",
            ["viewPosition"] = view,
            ["photometricInterpretation"] = monochrome1 ? "MONOCHROME1" : "MONOCHROME2",
            ["bitsStored"] = bitsStored,
            ["rows"] = rows,
            ["columns"] = Columns,
            ["imagerPixelSpacingMm"] = spacing,
            // What was drawn, not a diagnosis: the pneumonia model's answer on a phantom is not ground truth.
            ["drawnOpacity"] = opacity is null ? null : $"{opacity} lower zone",
        });
    }

    private static IEnumerable<ManifestEntry> Ecg(string folder, int seed, int index)
    {
        var random = RandomFor(seed, "ecg", index);
        var patient = SamplePatients.Make(random, $"S{seed}-ECG", index);
        var (heartRate, respiration) = RestingRates(patient.AgeDays, random);
        var options = new EcgSynthesisOptions
        {
            HeartRateBpm = heartRate,
            RespiratoryRatePerMinute = respiration,
            HeartRateStdBpm = 1.5,
            PeakRMicrovolts = patient.AgeDays < 731 ? 1800 : 1500,
        };
        var subject = new EcgSubject { Sex = patient.Sex, BirthDate = patient.BirthDate };
        var time = new DateTimeOffset(patient.StudyTime, TimeSpan.Zero);
        var result = McSharryEcgModel.Generate(options, random.Next(), subject: subject, acquisitionTime: time);
        var truth = new Dictionary<string, object?>
        {
            ["heartRateBpm"] = heartRate,
            ["meanRrHeartRateBpm"] = Math.Round(result.MeanHeartRateBpm, 2),
            ["respiratoryRatePerMinute"] = respiration,
            ["samplingRateHz"] = options.SamplingRateHz,
            ["durationSeconds"] = options.DurationSeconds,
            ["leads"] = result.Recording.Leads.Count,
            ["model"] = "ECGSYN (McSharry et al., IEEE TBME 2003), RK4, Dower projection",
        };

        var studyUid = Uid(seed, "ecg", index, "study");
        var dataset = Common(patient, studyUid, Uid(seed, "ecg", index, "series"), Uid(seed, "ecg", index, "instance"), DicomWaveformWriter.TwelveLeadEcgSopClassUid, "ECG")
            .Add(DicomTags.StudyDescription, "Điện tâm đồ 12 chuyển đạo") // 12-lead electrocardiogram
            .Add(DicomTags.AcquisitionDateTime, patient.StudyTime)
            .AddSequence(DicomTags.AcquisitionContextSequence);
        DicomWaveformWriter.AddWaveform(dataset, result.Recording);
        var dicomPath = Path.Combine("ecg", $"ecg-{index + 1:000}.dcm");
        DicomWriter.WriteFile(Path.Combine(folder, dicomPath), dataset);
        yield return Entry(folder, dicomPath, SampleKinds.EcgDicom, MediaTypes.Dicom, patient, studyUid, truth);

        var documentId = Uid(seed, "ecg", index, "aecg");
        var xmlPath = Path.Combine("ecg", $"ecg-{index + 1:000}.xml");
        using (var stream = File.Create(Path.Combine(folder, xmlPath)))
        {
            AecgWriter.Write(stream, result.Recording, new AecgHeader
            {
                DocumentId = documentId,
                PatientIdRoot = SamplePatient.Issuer,
                PatientId = patient.Id,
                PatientName = patient.DisplayName,
                BirthDate = patient.BirthDate,
                Sex = patient.Sex,
                AcquisitionTime = patient.StudyTime,
                DeviceManufacturer = Manufacturer,
                DeviceModel = "ECGSYN",
            });
        }

        yield return Entry(folder, xmlPath, SampleKinds.EcgAecg, MediaTypes.Aecg, patient, documentId, truth);
    }

    /// <summary>
    /// Resting heart and breathing rates that are typical for the age (heart: Fleming S et al., Lancet 2011;377:1011–1018
    /// centiles, median ± a few beats; breathing: same source), so the analyser's age norms see plausible children.
    /// </summary>
    private static (int HeartRate, int Respiration) RestingRates(int ageDays, Random random)
    {
        (int Days, int Heart, int Breaths)[] table = [(0, 140, 45), (90, 140, 40), (365, 125, 33), (730, 115, 28), (1826, 100, 22), (2922, 88, 19), (4383, 80, 17), (6209, 72, 15)];
        var upper = Array.FindIndex(table, t => t.Days > ageDays);
        var (heart, breaths) = upper switch
        {
            -1 => (table[^1].Heart, table[^1].Breaths),
            0 => (table[0].Heart, table[0].Breaths),
            _ => Interpolate(table[upper - 1], table[upper], ageDays),
        };
        return ((int)Math.Round(heart + random.Next(-8, 9)), (int)Math.Round(breaths + random.Next(-3, 4)));
    }

    private static (double Heart, double Breaths) Interpolate((int Days, int Heart, int Breaths) a, (int Days, int Heart, int Breaths) b, int ageDays)
    {
        var t = (ageDays - a.Days) / (double)(b.Days - a.Days);
        return (a.Heart + (t * (b.Heart - a.Heart)), a.Breaths + (t * (b.Breaths - a.Breaths)));
    }

    private static ManifestEntry Audiogram(string folder, int seed, int index)
    {
        var random = RandomFor(seed, SampleKinds.Audiogram, index);
        // Ear-specific behavioural thresholds are measured from about 7 months (visual reinforcement audiometry).
        var patient = SamplePatients.Make(random, $"S{seed}-AUD", index, minimumAgeDays: 213);
        var grades = Enum.GetValues<WhoHearingGrade>();
        var (document, truth) = AudiogramSamples.Make(random, patient, grades[index % grades.Length]);
        var path = Path.Combine("audiograms", $"audiogram-{index + 1:000}.json");
        using (var stream = File.Create(Path.Combine(folder, path)))
        {
            AudiogramJsonWriter.Write(stream, document);
        }

        return Entry(folder, path, SampleKinds.Audiogram, MediaTypes.Audiogram, patient, null, new Dictionary<string, object?>
        {
            ["whoGrade"] = truth.Grade.ToString(),
            ["rightPta4DbHl"] = truth.RightPta4DbHl,
            ["leftPta4DbHl"] = truth.LeftPta4DbHl,
            ["rightType"] = truth.RightType.ToString(),
            ["leftType"] = truth.LeftType.ToString(),
            ["masked"] = truth.Masked,
            ["noResponse"] = truth.NoResponse,
        });
    }

    /// <summary>Patient, General Study, Patient Study, General Series, General Equipment and SOP Common modules.</summary>
    private static DicomDataset Common(SamplePatient patient, string studyUid, string seriesUid, string instanceUid, string sopClass, string modality) =>
        new DicomDataset()
            .Add(DicomTags.SpecificCharacterSet, "ISO_IR 192")
            .Add(DicomTags.SOPClassUID, sopClass)
            .Add(DicomTags.SOPInstanceUID, instanceUid)
            .Add(DicomTags.InstanceCreationDate, patient.StudyDate)
            .Add(DicomTags.InstanceCreationTime, TimeOnly.FromDateTime(patient.StudyTime))
            .Add(DicomTags.StudyDate, patient.StudyDate)
            .Add(DicomTags.StudyTime, TimeOnly.FromDateTime(patient.StudyTime))
            .Add(DicomTags.ContentDate, patient.StudyDate)
            .Add(DicomTags.ContentTime, TimeOnly.FromDateTime(patient.StudyTime))
            .Add(DicomTags.AccessionNumber, "A" + studyUid[^10..])
            .Add(DicomTags.Modality, modality)
            .Add(DicomTags.Manufacturer, Manufacturer)
            .Add(DicomTags.InstitutionName, Institution)
            .Add(DicomTags.ReferringPhysicianName, string.Empty)
            .Add(DicomTags.ManufacturerModelName, "vnch samples")
            .Add(DicomTags.SoftwareVersions, "1")
            .Add(DicomTags.PatientName, patient.DicomName)
            .Add(DicomTags.PatientID, patient.Id)
            .Add(DicomTags.IssuerOfPatientID, SamplePatient.Issuer)
            .Add(DicomTags.PatientBirthDate, patient.BirthDate)
            .Add(DicomTags.PatientSex, patient.DicomSex)
            .Add(DicomTags.PatientAge, patient.DicomAge)
            .Add(DicomTags.StudyInstanceUID, studyUid)
            .Add(DicomTags.SeriesInstanceUID, seriesUid)
            .Add(DicomTags.StudyID, "1")
            .Add(DicomTags.SeriesNumber, 1)
            .Add(DicomTags.InstanceNumber, 1);

    private static ManifestEntry Entry(string folder, string path, string kind, string mediaType, SamplePatient patient, string? studyUid, IReadOnlyDictionary<string, object?> truth)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, path))));
        var manifestPatient = new ManifestPatient(
            patient.Id,
            SamplePatient.Issuer,
            patient.DisplayName,
            patient.DicomName,
            patient.FhirSex,
            patient.BirthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            patient.AgeDays,
            AgeBands.Code(patient.AgeBand));
        return new ManifestEntry(path.Replace('\\', '/'), kind, mediaType, sha, manifestPatient, patient.StudyDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), studyUid ?? string.Empty, truth);
    }
}
