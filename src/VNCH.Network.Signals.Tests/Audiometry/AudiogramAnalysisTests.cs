using System.Text.Json.Nodes;
using VNCH.Network.Signals.Audiometry;
using Xunit.Abstractions;

namespace VNCH.Network.Signals.Tests.Audiometry;

public sealed class AudiogramAnalysisTests(ITestOutputHelper output)
{
    private AudiogramAnalysis Analyze(JsonObject document)
    {
        var analysis = AudiogramInterpreter.Interpret(AudiogramReader.Read(AudiogramJson.Bytes(document)));
        foreach (var s in analysis.Statements)
        {
            output.WriteLine($"{s.Severity} {s.Code}: {s.Text}");
        }

        return analysis;
    }

    // Every boundary of the WHO World Report on Hearing (2021) grade table, on both sides.
    [Theory]
    [InlineData(-10, WhoHearingGrade.Normal)]
    [InlineData(0, WhoHearingGrade.Normal)]
    [InlineData(19.99, WhoHearingGrade.Normal)]
    [InlineData(20, WhoHearingGrade.Mild)]
    [InlineData(34.99, WhoHearingGrade.Mild)]
    [InlineData(35, WhoHearingGrade.Moderate)]
    [InlineData(49.99, WhoHearingGrade.Moderate)]
    [InlineData(50, WhoHearingGrade.ModeratelySevere)]
    [InlineData(64.99, WhoHearingGrade.ModeratelySevere)]
    [InlineData(65, WhoHearingGrade.Severe)]
    [InlineData(79.99, WhoHearingGrade.Severe)]
    [InlineData(80, WhoHearingGrade.Profound)]
    [InlineData(94.99, WhoHearingGrade.Profound)]
    [InlineData(95, WhoHearingGrade.Complete)]
    [InlineData(120, WhoHearingGrade.Complete)]
    public void Who_grade_boundaries(double pta, WhoHearingGrade expected) =>
        Assert.Equal(expected, WhoHearingGrading.Grade(pta));

    // Worked examples through whole documents: thresholds in 5 dB steps whose average lands on each boundary.
    [Theory]
    [InlineData(new double[] { 15, 20, 20, 20 }, 18.75, WhoHearingGrade.Normal)]
    [InlineData(new double[] { 20, 20, 20, 20 }, 20, WhoHearingGrade.Mild)]
    [InlineData(new double[] { 30, 35, 35, 35 }, 33.75, WhoHearingGrade.Mild)]
    [InlineData(new double[] { 35, 35, 35, 35 }, 35, WhoHearingGrade.Moderate)]
    [InlineData(new double[] { 45, 50, 50, 50 }, 48.75, WhoHearingGrade.Moderate)]
    [InlineData(new double[] { 50, 50, 50, 50 }, 50, WhoHearingGrade.ModeratelySevere)]
    [InlineData(new double[] { 60, 65, 65, 65 }, 63.75, WhoHearingGrade.ModeratelySevere)]
    [InlineData(new double[] { 65, 65, 65, 65 }, 65, WhoHearingGrade.Severe)]
    [InlineData(new double[] { 75, 80, 80, 80 }, 78.75, WhoHearingGrade.Severe)]
    [InlineData(new double[] { 80, 80, 80, 80 }, 80, WhoHearingGrade.Profound)]
    [InlineData(new double[] { 90, 95, 95, 95 }, 93.75, WhoHearingGrade.Profound)]
    [InlineData(new double[] { 95, 95, 95, 95 }, 95, WhoHearingGrade.Complete)]
    public void Worked_examples_grade_the_better_ear(double[] betterEar, double expectedPta, WhoHearingGrade expected)
    {
        var overrides = new[] { 500, 1000, 2000, 4000 }.Select((f, i) => (f, betterEar[i])).ToArray();
        var worse = AudiogramJson.Ear(betterEar.Max() + 10);
        var analysis = Analyze(AudiogramJson.Document(AudiogramJson.Ear(0, overrides: overrides), worse, birthDate: "1990-01-01"));
        Assert.Equal(Ear.Right, analysis.BetterEar);
        Assert.Equal(expectedPta, analysis.BetterEarPta4DbHl!.Value, 6);
        Assert.Equal(expected, analysis.Grade);
        Assert.Contains(analysis.Statements, s => s.Code == "WHO_GRADE" && s.Source == WhoHearingGrading.Source);
    }

    [Theory]
    [InlineData(15, 35, true)]
    [InlineData(15, 34, false)]
    [InlineData(19, 60, true)]
    [InlineData(20, 60, false)]
    public void Unilateral_loss_follows_the_who_definition(double better, double worse, bool unilateral)
    {
        var analysis = Analyze(AudiogramJson.Document(AudiogramJson.Ear(better), AudiogramJson.Ear(worse), birthDate: "1990-01-01"));
        Assert.Equal(unilateral, analysis.Unilateral);
        Assert.Equal(unilateral, analysis.Statements.Any(s => s.Code == "UNILATERAL"));
    }

    [Theory]
    [InlineData(10, 25, true)]
    [InlineData(10, 24, false)]
    public void Asymmetry_at_15_db(double right, double left, bool asymmetric)
    {
        var analysis = Analyze(AudiogramJson.Document(AudiogramJson.Ear(right), AudiogramJson.Ear(left)));
        Assert.Equal(asymmetric, analysis.Asymmetric);
        Assert.Equal(Math.Abs(right - left), analysis.InterauralDifferenceDb);
    }

    [Fact]
    public void Pediatric_limit_flags_slight_loss_that_who_calls_normal()
    {
        var child = Analyze(AudiogramJson.Document(AudiogramJson.Ear(17.5), AudiogramJson.Ear(10), birthDate: "2019-05-01"));
        Assert.True(child.IsChild);
        Assert.Equal(WhoHearingGrade.Normal, child.Grade);
        Assert.Contains(child.Statements, s => s.Code == "ABOVE_PEDIATRIC_LIMIT_RIGHT" && s.Severity == StatementSeverity.Borderline);

        var adult = Analyze(AudiogramJson.Document(AudiogramJson.Ear(17.5), AudiogramJson.Ear(10), birthDate: "1980-05-01"));
        Assert.False(adult.IsChild);
        Assert.DoesNotContain(adult.Statements, s => s.Code.StartsWith("ABOVE_PEDIATRIC_LIMIT", StringComparison.Ordinal));
        Assert.Equal(HearingLossType.None, adult.Right!.Type);

        // 15 dB HL itself is normal for a child.
        var limit = Analyze(AudiogramJson.Document(AudiogramJson.Ear(15), AudiogramJson.Ear(15), birthDate: "2019-05-01"));
        Assert.Equal(HearingLossType.None, limit.Right!.Type);
    }

    [Theory]
    [InlineData(40, 5, HearingLossType.Conductive)]
    [InlineData(40, 10, HearingLossType.Conductive)]
    [InlineData(60, 35, HearingLossType.Mixed)]
    [InlineData(50, 45, HearingLossType.Sensorineural)]
    [InlineData(50, 36, HearingLossType.Sensorineural)]
    [InlineData(50, 35, HearingLossType.Mixed)]
    public void Type_from_the_air_bone_gap(double air, double bone, HearingLossType expected)
    {
        var analysis = Analyze(AudiogramJson.Document(AudiogramJson.Ear(air, bone), AudiogramJson.Ear(0)));
        Assert.Equal(expected, analysis.Right!.Type);
        Assert.Equal(air - bone, analysis.Right.MeanAirBoneGapDb);
        Assert.Equal(HearingLossType.None, analysis.Left!.Type);
    }

    [Fact]
    public void Loss_without_bone_conduction_has_undetermined_type()
    {
        var analysis = Analyze(AudiogramJson.Document(AudiogramJson.Ear(45), null));
        Assert.Equal(HearingLossType.Undetermined, analysis.Right!.Type);
        Assert.Contains(analysis.Statements, s => s.Code == "ONE_EAR_ONLY");
        Assert.Contains(analysis.Statements, s => s.Code == "TYPE_UNDETERMINED_RIGHT");
    }

    [Fact]
    public void Unmasked_bone_conduction_gap_is_qualified()
    {
        var analysis = Analyze(AudiogramJson.Document(AudiogramJson.Ear(40, 5, boneMasked: false), AudiogramJson.Ear(0)));
        Assert.Contains(analysis.Statements, s => s.Code == "BONE_UNMASKED");
    }

    [Fact]
    public void No_response_makes_the_pta_a_lower_bound()
    {
        var right = AudiogramJson.Ear(90);
        right["airConduction"]![4]!["noResponse"] = true; // 4000 Hz
        right["airConduction"]![4]!["thresholdDbHl"] = 120;
        var analysis = Analyze(AudiogramJson.Document(right, AudiogramJson.Ear(90)));
        Assert.True(analysis.Right!.PtaIsLowerBound);
        Assert.Equal(97.5, analysis.Right.Pta4DbHl);
        Assert.Contains(analysis.Statements, s => s.Code == "PTA_LOWER_BOUND");
    }

    [Fact]
    public void Missing_pta_frequency_is_reported()
    {
        var right = AudiogramJson.Ear(30);
        ((JsonArray)right["airConduction"]!).RemoveAt(3); // 2000 Hz
        var analysis = Analyze(AudiogramJson.Document(right, AudiogramJson.Ear(30)));
        Assert.Null(analysis.Right!.Pta4DbHl);
        Assert.Contains(analysis.Statements, s => s.Code == "PTA_INCOMPLETE" && s.Text.Contains("2000 Hz", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0, 0.7, false, TympanogramType.A)]
    [InlineData(-100, 0.7, false, TympanogramType.A)]
    [InlineData(-101, 0.7, false, TympanogramType.C)]
    [InlineData(-250, 0.2, false, TympanogramType.C)]
    [InlineData(-20, 0.29, false, TympanogramType.As)]
    [InlineData(-20, 0.3, false, TympanogramType.A)]
    [InlineData(10, 1.5, false, TympanogramType.A)]
    [InlineData(10, 1.51, false, TympanogramType.Ad)]
    [InlineData(0, 0, true, TympanogramType.B)]
    public void Jerger_tympanogram_types(double pressure, double admittance, bool noPeak, TympanogramType expected)
    {
        var tympanometry = noPeak
            ? new Tympanometry { NoPeak = true, EarCanalVolumeMl = 0.8 }
            : new Tympanometry { PeakPressureDaPa = pressure, StaticAdmittanceMl = admittance, EarCanalVolumeMl = 0.8 };
        Assert.Equal(expected, TympanogramClassifier.Classify(tympanometry));
    }

    [Fact]
    public void Flat_tympanogram_in_an_infant_with_a_226_hz_probe()
    {
        var tymp = new JsonObject { ["noPeak"] = true, ["earCanalVolumeMl"] = 0.4 };
        var analysis = Analyze(AudiogramJson.Document(AudiogramJson.Ear(25, tympanometry: tymp), AudiogramJson.Ear(10), birthDate: "2026-08-01"));
        Assert.Equal(TympanogramType.B, analysis.Right!.Tympanogram);
        Assert.Contains(analysis.Statements, s => s.Code == "TYMPANOGRAM_B_RIGHT" && s.Severity == StatementSeverity.Abnormal);
        Assert.Contains(analysis.Statements, s => s.Code == "TYMPANOMETRY_PROBE_RIGHT");
    }
}
