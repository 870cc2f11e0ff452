using System.Globalization;

namespace VNCH.Network.Signals.Audiometry;

/// <summary>Rule thresholds; the defaults are the documented ones (docs/audiogram.md).</summary>
public sealed record AudiogramRules
{
    public static AudiogramRules Default { get; } = new();

    /// <summary>
    /// Pediatric normal limit: thresholds up to 15 dB HL are normal in children (Clark JG. "Uses and abuses of
    /// hearing loss classification." ASHA 1981;23:493–500; Northern JL, Downs MP. Hearing in Children).
    /// </summary>
    public double PediatricNormalLimitDbHl { get; init; } = 15;

    /// <summary>
    /// A mean air–bone gap of 15 dB or more is taken as a conductive component: larger than the ±10 dB test–retest
    /// variability of bone-conduction thresholds. Published rules use 10 or 15 dB; 15 avoids typing noise.
    /// </summary>
    public double AirBoneGapDb { get; init; } = 15;

    /// <summary>Interaural four-frequency PTA difference counted as asymmetric (a common referral criterion).</summary>
    public double AsymmetryDb { get; init; } = 15;

    /// <summary>Children are under this age in days (18 years).</summary>
    public int AdultFromDays { get; init; } = PatientAge.FromYears(18);

    public TympanogramLimits Tympanogram { get; init; } = TympanogramLimits.Jerger;
}

/// <summary>
/// Interprets an audiogram (wrapped for the analysis port by the Inference project's AudiometryAnalyser): four-frequency PTA (0.5/1/2/4 kHz) per ear, WHO 2021 grade of the better ear and
/// unilateral loss, the pediatric 15 dB HL limit, conductive/sensorineural/mixed type from the air–bone gap,
/// interaural asymmetry and Jerger tympanogram types.
/// </summary>
public static class AudiogramInterpreter
{
    /// <summary>Frequencies of the WHO four-frequency pure-tone average.</summary>
    public static IReadOnlyList<int> PtaFrequenciesHz { get; } = [500, 1000, 2000, 4000];

    public static AudiogramAnalysis Interpret(AudiogramDocument document, AudiogramRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        rules ??= AudiogramRules.Default;
        var ageDays = document.AgeDays;
        var child = ageDays is { } days && days < rules.AdultFromDays;
        var statements = new List<AudiogramStatement>();
        if (ageDays is null)
        {
            statements.Add(new("AGE_UNKNOWN", "Birth date not given: the pediatric 15 dB HL limit was not applied.", StatementSeverity.Technical));
        }

        var right = document.Right is { } r ? AnalyzeEar(Ear.Right, r, child, ageDays, rules, statements) : null;
        var left = document.Left is { } l ? AnalyzeEar(Ear.Left, l, child, ageDays, rules, statements) : null;

        Ear? better = null;
        double? betterPta = null, difference = null;
        WhoHearingGrade? grade = null;
        var unilateral = false;
        var asymmetric = false;
        if (right?.Pta4DbHl is { } rp && left?.Pta4DbHl is { } lp)
        {
            better = rp <= lp ? Ear.Right : Ear.Left;
            betterPta = Math.Min(rp, lp);
            var worse = Math.Max(rp, lp);
            difference = Math.Abs(rp - lp);
            grade = WhoHearingGrading.Grade(betterPta.Value);
            unilateral = WhoHearingGrading.IsUnilateral(betterPta.Value, worse);
            asymmetric = difference >= rules.AsymmetryDb;
        }
        else if ((right ?? left)?.Pta4DbHl is { } only)
        {
            // One ear tested: the WHO grade needs the better ear, so it is reported for that ear only.
            statements.Add(new("ONE_EAR_ONLY", $"Only the {(right is not null ? "right" : "left")} ear has a four-frequency PTA; the WHO grade (better ear) is provisional.", StatementSeverity.Technical));
            better = right?.Pta4DbHl is not null ? Ear.Right : Ear.Left;
            betterPta = only;
            grade = WhoHearingGrading.Grade(only);
        }

        if (grade is { } g && betterPta is { } bp)
        {
            var severity = g switch
            {
                WhoHearingGrade.Normal => StatementSeverity.Normal,
                WhoHearingGrade.Severe or WhoHearingGrade.Profound or WhoHearingGrade.Complete => StatementSeverity.Critical,
                _ => StatementSeverity.Abnormal,
            };
            statements.Insert(0, new("WHO_GRADE", $"WHO grade: {Describe(g)} hearing ({WhoHearingGrading.Range(g)}), better-ear PTA {F(bp)} dB HL ({better?.ToString().ToLowerInvariant()} ear).", severity, WhoHearingGrading.Source));
        }

        if (unilateral)
        {
            statements.Add(new("UNILATERAL", $"Unilateral hearing loss: better ear {F(betterPta!.Value)} dB HL (<20), worse ear {F(betterPta.Value + difference!.Value)} dB HL (>=35).", StatementSeverity.Abnormal, WhoHearingGrading.Source));
        }

        if (asymmetric)
        {
            statements.Add(new("ASYMMETRIC", $"Asymmetric hearing: interaural PTA difference {F(difference!.Value)} dB (>= {F(rules.AsymmetryDb)} dB); retrocochlear causes should be considered.", StatementSeverity.Abnormal));
        }

        return new AudiogramAnalysis
        {
            AgeDays = ageDays,
            IsChild = child,
            Right = right,
            Left = left,
            BetterEar = better,
            BetterEarPta4DbHl = betterPta,
            Grade = grade,
            Unilateral = unilateral,
            InterauralDifferenceDb = difference,
            Asymmetric = asymmetric,
            Statements = statements,
        };
    }

    private static EarAnalysis AnalyzeEar(Ear ear, EarResults results, bool child, int? ageDays, AudiogramRules rules, List<AudiogramStatement> statements)
    {
        var name = ear.ToString().ToLowerInvariant();
        var air = PtaFrequenciesHz.Select(results.Air).ToList();
        double? pta = null;
        var lowerBound = false;
        if (air.All(t => t is not null))
        {
            pta = air.Average(t => t!.ThresholdDbHl);
            lowerBound = air.Any(t => t!.NoResponse);
            if (lowerBound)
            {
                statements.Add(new("PTA_LOWER_BOUND", $"{Capital(name)} ear: no response at some PTA frequencies; the PTA of {F(pta.Value)} dB HL is a lower bound.", StatementSeverity.Technical));
            }
        }
        else if (results.AirConduction.Count > 0)
        {
            var missing = PtaFrequenciesHz.Where(f => results.Air(f) is null).Select(f => $"{f} Hz");
            statements.Add(new("PTA_INCOMPLETE", $"{Capital(name)} ear: no air-conduction threshold at {string.Join(", ", missing)}; the four-frequency PTA cannot be computed.", StatementSeverity.Technical));
        }

        // Air–bone gap over the PTA frequencies that have both thresholds.
        var pairs = PtaFrequenciesHz
            .Select(f => (Air: results.Air(f), Bone: results.Bone(f)))
            .Where(p => p.Air is not null && p.Bone is not null)
            .ToList();
        double? bonePta = pairs.Count > 0 ? pairs.Average(p => p.Bone!.ThresholdDbHl) : null;
        double? gap = pairs.Count > 0 ? pairs.Average(p => p.Air!.ThresholdDbHl - p.Bone!.ThresholdDbHl) : null;

        var withinNormal = pta is { } value && (child ? value <= rules.PediatricNormalLimitDbHl : value < 20);
        var type = HearingLossType.Undetermined;
        if (pta is null)
        {
            type = HearingLossType.Undetermined;
        }
        else if (withinNormal)
        {
            type = HearingLossType.None;
        }
        else if (gap is { } g && bonePta is { } bone)
        {
            var boneNormal = child ? bone <= rules.PediatricNormalLimitDbHl : bone < 20;
            type = g >= rules.AirBoneGapDb
                ? boneNormal ? HearingLossType.Conductive : HearingLossType.Mixed
                : HearingLossType.Sensorineural;
            if (g >= rules.AirBoneGapDb && pairs.Any(p => !p.Bone!.Masked))
            {
                statements.Add(new("BONE_UNMASKED", $"{Capital(name)} ear: unmasked bone-conduction thresholds reflect the better cochlea; confirm the air-bone gap with masking.", StatementSeverity.Technical));
            }
        }

        switch (type)
        {
            case HearingLossType.Conductive or HearingLossType.Mixed or HearingLossType.Sensorineural:
                statements.Add(new($"{type.ToString().ToUpperInvariant()}_{name.ToUpperInvariant()}", $"{Capital(name)} ear: {Describe(type)} hearing loss (PTA {F(pta!.Value)} dB HL, bone {F(bonePta!.Value)} dB HL, mean air-bone gap {F(gap!.Value)} dB; rule: gap >= {F(rules.AirBoneGapDb)} dB is conductive).", StatementSeverity.Abnormal));
                break;
            case HearingLossType.Undetermined when pta is not null:
                statements.Add(new($"TYPE_UNDETERMINED_{name.ToUpperInvariant()}", $"{Capital(name)} ear: hearing loss (PTA {F(pta.Value)} dB HL) of undetermined type: bone conduction not tested at the PTA frequencies.", StatementSeverity.Abnormal));
                break;
        }

        if (child && pta is { } childPta && childPta > rules.PediatricNormalLimitDbHl && childPta < 20)
        {
            statements.Add(new($"ABOVE_PEDIATRIC_LIMIT_{name.ToUpperInvariant()}", $"{Capital(name)} ear: PTA {F(childPta)} dB HL is above the pediatric normal limit of {F(rules.PediatricNormalLimitDbHl)} dB HL (WHO grade normal); slight hearing loss matters for speech and language development.", StatementSeverity.Borderline, "Clark, ASHA 1981;23:493-500"));
        }

        TympanogramType? tympanogram = null;
        if (results.Tympanometry is { } tymp)
        {
            tympanogram = TympanogramClassifier.Classify(tymp, rules.Tympanogram);
            statements.Add(TympanogramStatement(name, tymp, tympanogram.Value));
            if (ageDays is < 183 && tymp.ProbeToneHz == 226)
            {
                statements.Add(new($"TYMPANOMETRY_PROBE_{name.ToUpperInvariant()}", $"{Capital(name)} ear: 226 Hz tympanometry is unreliable under 6 months of age; use a 1000 Hz probe.", StatementSeverity.Technical, "Joint Committee on Infant Hearing, Pediatrics 2007;120:898-921"));
            }
        }

        return new EarAnalysis
        {
            Ear = ear,
            Pta4DbHl = pta,
            PtaIsLowerBound = lowerBound,
            Grade = pta is { } p ? WhoHearingGrading.Grade(p) : null,
            BonePtaDbHl = bonePta,
            MeanAirBoneGapDb = gap,
            Type = type,
            Tympanogram = tympanogram,
        };
    }

    private static AudiogramStatement TympanogramStatement(string ear, Tympanometry tymp, TympanogramType type)
    {
        var code = $"TYMPANOGRAM_{type.ToString().ToUpperInvariant()}_{ear.ToUpperInvariant()}";
        var measured = tymp.NoPeak ? "no peak" : $"peak {F(tymp.PeakPressureDaPa!.Value)} daPa, {F(tymp.StaticAdmittanceMl!.Value)} mL";
        var volume = tymp.EarCanalVolumeMl is { } v ? $", ear-canal volume {F(v)} mL" : string.Empty;
        var (meaning, severity) = type switch
        {
            TympanogramType.A => ("normal middle-ear function", StatementSeverity.Normal),
            TympanogramType.As => ("reduced admittance (stiff middle ear)", StatementSeverity.Borderline),
            TympanogramType.Ad => ("high admittance (flaccid middle ear)", StatementSeverity.Borderline),
            TympanogramType.C => ("negative middle-ear pressure (Eustachian-tube dysfunction)", StatementSeverity.Borderline),
            _ => ("flat: effusion if the canal volume is normal, perforation or patent tube if it is large, occluded canal if it is small", StatementSeverity.Abnormal),
        };
        return new(code, $"{Capital(ear)} ear: tympanogram type {type} ({measured}{volume}): {meaning}.", severity, TympanogramClassifier.Source);
    }

    private static string Describe(WhoHearingGrade grade) => grade switch
    {
        WhoHearingGrade.ModeratelySevere => "moderately severe",
        WhoHearingGrade.Complete => "complete or total",
        _ => grade.ToString().ToLowerInvariant(),
    };

    private static string Describe(HearingLossType type) => type.ToString().ToLowerInvariant();

    private static string Capital(string text) => char.ToUpperInvariant(text[0]) + text[1..];

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
