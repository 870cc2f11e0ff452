using VNCH.Network.Signals.Audiometry;

namespace VNCH.Network.Cli.Samples;

/// <summary>The audiogram a sample was built to show: per-ear four-frequency PTA and type, and the better ear's WHO grade.</summary>
public sealed record AudiogramTruth(WhoHearingGrade Grade, double RightPta4DbHl, double LeftPta4DbHl, HearingLossType RightType, HearingLossType LeftType, bool Masked, bool NoResponse);

/// <summary>
/// Builds pure-tone audiograms for a chosen WHO 2021 grade (World Report on Hearing, Box 1.1). The better ear's
/// four-frequency average (0.5, 1, 2, 4 kHz) is set 5–10 dB inside the grade, the worse ear 0–45 dB above it; thresholds
/// are in the 5 dB steps audiometers use and follow a configuration (flat, sloping, rising, cookie-bite) whose offsets
/// sum to zero over the PTA frequencies, so the average is exactly the target. Conductive ears (mild, moderate) have
/// normal masked bone conduction and a flat (type B) or negative-pressure (type C) tympanogram; sensorineural ears have
/// bone within 5 dB of air; mixed ears a 20 dB gap over impaired bone. Bone conduction is masked whenever there is a gap,
/// and air conduction of the worse ear when the ears differ by 40 dB or more (cross-hearing through supra-aural
/// earphones). Beyond the audiometer's output the threshold is written as "no response" at the limit.
/// </summary>
public static class AudiogramSamples
{
    /// <summary>Better-ear PTA targets per grade (dB HL), each at least 5 dB from the grade's bounds.</summary>
    private static readonly Dictionary<WhoHearingGrade, int[]> Targets = new()
    {
        [WhoHearingGrade.Normal] = [0, 5, 10],
        [WhoHearingGrade.Mild] = [25, 30],
        [WhoHearingGrade.Moderate] = [40, 45],
        [WhoHearingGrade.ModeratelySevere] = [55, 60],
        [WhoHearingGrade.Severe] = [70, 75],
        [WhoHearingGrade.Profound] = [85, 90],
        [WhoHearingGrade.Complete] = [100, 105],
    };

    private static readonly int[] Frequencies = [250, 500, 1000, 2000, 4000, 8000];

    /// <summary>Offsets per frequency above; the four PTA frequencies (500–4000 Hz) sum to zero in each.</summary>
    private static readonly int[][] Configurations =
    [
        [0, 0, 0, 0, 0, 0],          // flat
        [-10, -10, -5, 5, 10, 15],   // sloping (typical sensorineural)
        [5, 5, 0, 0, -5, -5],        // rising (typical conductive)
        [0, -5, 5, 5, -5, 0],        // cookie-bite
    ];

    // Audiometer output limits (dB HL): air conduction (supra-aural), bone conduction (B-71).
    private static int AirLimit(int f) => f switch { 250 => 105, 8000 => 110, _ => 120 };

    private static int BoneLimit(int f) => f switch { 250 => 45, 500 => 65, _ => 70 };

    public static (AudiogramDocument Document, AudiogramTruth Truth) Make(Random random, SamplePatient patient, WhoHearingGrade grade)
    {
        var options = Targets[grade];
        var better = options[random.Next(options.Length)];
        var type = grade switch
        {
            WhoHearingGrade.Normal => HearingLossType.None,
            WhoHearingGrade.Mild or WhoHearingGrade.Moderate => random.Next(2) == 0 ? HearingLossType.Conductive : HearingLossType.Sensorineural,
            WhoHearingGrade.ModeratelySevere => random.Next(2) == 0 ? HearingLossType.Mixed : HearingLossType.Sensorineural,
            _ => HearingLossType.Sensorineural,
        };

        // A purely conductive loss stays under about 60 dB HL (the middle ear's share), so its ears differ less.
        var worseBy = grade == WhoHearingGrade.Normal && random.Next(2) == 0 ? 40
            : type == HearingLossType.Conductive ? 5 * random.Next(0, 3)
            : new[] { 0, 5, 10, 20 }[random.Next(4)];
        var worse = Math.Min(110, better + worseBy);
        var betterIsRight = random.Next(2) == 0;

        // A normal better ear with a worse ear beyond 35 dB is unilateral loss: sensorineural in that ear.
        var worseType = type == HearingLossType.None && worse >= 20 ? HearingLossType.Sensorineural : type;
        var interaural = worse - better;
        var (betterEar, betterPta, betterNoResponse) = Ear(random, better, type, maskAir: false);
        var (worseEar, worsePta, worseNoResponse) = Ear(random, worse, worseType, maskAir: interaural >= 40);
        var masked = new[] { betterEar, worseEar }.Any(e => e.AirConduction.Concat(e.BoneConduction).Any(t => t.Masked));
        var document = new AudiogramDocument
        {
            Patient = new AudiogramPatient { Id = patient.Id, Issuer = "urn:oid:" + SamplePatient.Issuer, BirthDate = patient.BirthDate, Sex = patient.FhirSex },
            TestDate = patient.StudyDate,
            Device = new AudiometerDevice
            {
                Manufacturer = "VNCH.Network samples",
                Model = "Synthetic audiometer",
                SerialNumber = "SAMPLE-1",
                CalibrationDate = patient.StudyDate.AddDays(-120),
                CalibrationStandard = "ISO 389-1",
                AirTransducer = "TDH-39",
                BoneTransducer = "B-71",
            },
            Right = betterIsRight ? betterEar : worseEar,
            Left = betterIsRight ? worseEar : betterEar,
        };
        var truth = new AudiogramTruth(
            grade,
            betterIsRight ? betterPta : worsePta,
            betterIsRight ? worsePta : betterPta,
            betterIsRight ? Typed(type, betterPta) : Typed(worseType, worsePta),
            betterIsRight ? Typed(worseType, worsePta) : Typed(type, betterPta),
            masked,
            betterNoResponse || worseNoResponse);
        return (document, truth);
    }

    // Under 20 dB HL (and at most the 15 dB pediatric limit) an ear has no loss to type.
    private static HearingLossType Typed(HearingLossType type, double pta) => pta <= 15 ? HearingLossType.None : type;

    private static (EarResults Ear, double Pta, bool NoResponse) Ear(Random random, int pta, HearingLossType type, bool maskAir)
    {
        // Conductive configurations rise; sensorineural ones slope or are flat; normal ears anything.
        var configuration = type switch
        {
            HearingLossType.Conductive => Configurations[random.Next(2) == 0 ? 2 : 0],
            HearingLossType.Sensorineural or HearingLossType.Mixed => Configurations[random.Next(2) == 0 ? 1 : 0],
            _ => Configurations[random.Next(Configurations.Length)],
        };
        var air = new List<PureToneThreshold>();
        var noResponse = false;
        for (var i = 0; i < Frequencies.Length; i++)
        {
            var f = Frequencies[i];
            var value = Math.Max(-10, pta + configuration[i]);
            var limited = value > AirLimit(f);
            noResponse |= limited && f is >= 500 and <= 4000;
            air.Add(new PureToneThreshold(f, limited ? AirLimit(f) : value, Masked: maskAir, NoResponse: limited));
        }

        var bone = new List<PureToneThreshold>();
        if (pta > 15)
        {
            foreach (var t in air.Where(t => t.FrequencyHz is >= 500 and <= 4000))
            {
                var f = t.FrequencyHz;
                var value = type switch
                {
                    HearingLossType.Conductive => 5 * random.Next(0, 3),
                    HearingLossType.Mixed => t.ThresholdDbHl - 20,
                    _ => t.ThresholdDbHl - (5 * random.Next(0, 2)),
                };
                var limited = value > BoneLimit(f);
                var gap = t.ThresholdDbHl - value >= 10;
                bone.Add(new PureToneThreshold(f, limited ? BoneLimit(f) : value, Masked: gap || maskAir, NoResponse: limited));
            }
        }

        var tympanometry = type switch
        {
            HearingLossType.Conductive when random.Next(2) == 0 => new Tympanometry { NoPeak = true, EarCanalVolumeMl = Round(0.6 + (random.NextDouble() * 0.3)) },
            HearingLossType.Conductive => new Tympanometry { PeakPressureDaPa = -150 - (10 * random.Next(0, 10)), StaticAdmittanceMl = Round(0.3 + (random.NextDouble() * 0.3)), EarCanalVolumeMl = Round(0.6 + (random.NextDouble() * 0.3)) },
            HearingLossType.Mixed => new Tympanometry { NoPeak = true, EarCanalVolumeMl = Round(0.6 + (random.NextDouble() * 0.3)) },
            _ => new Tympanometry { PeakPressureDaPa = -25 + (5 * random.Next(0, 9)), StaticAdmittanceMl = Round(0.4 + (random.NextDouble() * 0.5)), EarCanalVolumeMl = Round(0.6 + (random.NextDouble() * 0.4)) },
        };

        var average = air.Where(t => t.FrequencyHz is >= 500 and <= 4000).Average(t => t.ThresholdDbHl);
        return (new EarResults { AirConduction = air, BoneConduction = bone, Tympanometry = tympanometry }, average, noResponse);
    }

    private static double Round(double value) => Math.Round(value, 2);
}
