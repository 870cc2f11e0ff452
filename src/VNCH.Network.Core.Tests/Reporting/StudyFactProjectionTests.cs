using System.Text.Json;
using VNCH.Network.Contracts.Fakes;
using VNCH.Network.Contracts.Reporting;
using VNCH.Network.Core.Features.Reporting;
using VNCH.Network.Core.Features.Studies;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Tests.Reporting;

public sealed class StudyFactProjectionTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly Tenant HospitalA = new() { Id = TenantId.Parse("hosp-a"), Name = "A", Province = "Hà Nội", FacilityCode = "01-001" };

    [Theory]
    [InlineData("2026-11-04", "2026-11-23", AgeBand.Newborn)]          // 19 days
    [InlineData("2026-10-27", "2026-11-23", AgeBand.Newborn)]          // 27 days: last newborn day
    [InlineData("2026-10-26", "2026-11-23", AgeBand.InfantToddler)]    // 28 days
    [InlineData("2024-11-24", "2026-11-23", AgeBand.InfantToddler)]    // one day before the 2nd birthday
    [InlineData("2024-11-23", "2026-11-23", AgeBand.Child)]            // 2nd birthday
    [InlineData("2014-11-24", "2026-11-23", AgeBand.Child)]            // 11 years 364 days
    [InlineData("2014-11-23", "2026-11-23", AgeBand.Adolescent12To15)]
    [InlineData("2010-11-23", "2026-11-23", AgeBand.Adolescent16To17)] // 16th birthday: the end of childhood in Vietnam
    [InlineData("2008-11-24", "2026-11-23", AgeBand.Adolescent16To17)]
    [InlineData("2008-11-23", "2026-11-23", AgeBand.Adult)]
    [InlineData("2026-11-24", "2026-11-23", AgeBand.Unknown)]          // born after the study: implausible
    public void Age_bands_follow_ich_e11_split_at_16_in_completed_days_and_years(string birth, string at, AgeBand expected) =>
        Assert.Equal(expected, AgeBands.Of(DateOnly.Parse(birth), null, DateOnly.Parse(at)));

    [Fact]
    public void Without_a_birth_date_the_age_in_days_decides_and_without_both_the_band_is_unknown()
    {
        var at = new DateOnly(2026, 11, 23);
        Assert.Equal(AgeBand.Newborn, AgeBands.Of(null, 19, at));
        Assert.Equal(AgeBand.InfantToddler, AgeBands.Of(null, 28, at));
        Assert.Equal(AgeBand.Child, AgeBands.Of(null, 731, at));
        Assert.Equal(AgeBand.Unknown, AgeBands.Of(null, null, at));
    }

    [Theory]
    [InlineData("2026-12-31", PeriodGrain.Week, "2026-W53", "2026-12-28", "2027-01-04")]
    [InlineData("2027-01-03", PeriodGrain.Week, "2026-W53", "2026-12-28", "2027-01-04")]
    [InlineData("2026-01-01", PeriodGrain.Week, "2026-W01", "2025-12-29", "2026-01-05")]
    [InlineData("2026-11-23", PeriodGrain.Week, "2026-W48", "2026-11-23", "2026-11-30")]
    [InlineData("2026-11-23", PeriodGrain.Month, "2026-11", "2026-11-01", "2026-12-01")]
    [InlineData("2026-11-23", PeriodGrain.Quarter, "2026-Q4", "2026-10-01", "2027-01-01")]
    [InlineData("2026-11-23", PeriodGrain.Year, "2026", "2026-01-01", "2027-01-01")]
    public void Periods_are_iso_8601_weeks_with_w53_and_calendar_months_quarters_years(string date, PeriodGrain grain, string code, string start, string end)
    {
        var period = ReportingPeriods.Of(DateOnly.Parse(date), grain);
        Assert.Equal((code, DateOnly.Parse(start), DateOnly.Parse(end)), (period.Code, period.Start, period.End));
    }

    [Fact]
    public void The_period_comes_from_the_acquisition_date_else_the_receipt_day_in_vietnam()
    {
        var study = Completed(new DateOnly(2026, 11, 4));
        study.StudyDate = new DateOnly(2026, 11, 23);
        var fact = StudyFactProjection.Project(study, HospitalA, Key);
        Assert.Equal((new DateOnly(2026, 11, 23), DateSource.Acquisition), (fact.Date, fact.DateSource));
        Assert.Equal(AgeBand.Newborn, fact.AgeBand);

        study.StudyDate = null; // received 2026-11-22 18:30 UTC = 2026-11-23 01:30 in Vietnam
        fact = StudyFactProjection.Project(study, HospitalA, Key);
        Assert.Equal((new DateOnly(2026, 11, 23), DateSource.Receipt), (fact.Date, fact.DateSource));
    }

    [Fact]
    public void The_fact_holds_no_identifier_name_birth_date_or_free_text()
    {
        var study = Completed(new DateOnly(2026, 11, 4));
        study.Receive(study.UpdatedAt.AddMinutes(1));
        study.Reject(study.UpdatedAt, new StatusReason("x", "free text that must not travel"));
        var json = JsonSerializer.Serialize(StudyFactProjection.Project(study, HospitalA, Key));

        foreach (var forbidden in new[] { study.Id, "P-12345", "Nguyễn", "2026-11-04", study.StudyInstanceUid!, "free text", "urn:oid" })
        {
            Assert.DoesNotContain(forbidden, json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_same_patient_id_in_two_hospitals_is_two_children_and_keys_depend_on_the_secret()
    {
        var a = StudyFactProjection.Project(Completed(new DateOnly(2026, 1, 1)), HospitalA, Key);
        var studyB = Completed(new DateOnly(2026, 1, 1), TenantId.Parse("hosp-b"));
        var b = StudyFactProjection.Project(studyB, HospitalA with { Id = studyB.Tenant }, Key);
        var otherKey = StudyFactProjection.Project(Completed(new DateOnly(2026, 1, 1)), HospitalA, new byte[32]);

        Assert.NotEqual(a.Child, b.Child);
        Assert.NotEqual(a.Child, otherKey.Child);
        Assert.NotEqual(a.Key, otherKey.Key);
        Assert.Equal(a.Child, StudyFactProjection.Project(Completed(new DateOnly(2025, 6, 1)), HospitalA, Key).Child);
    }

    [Fact]
    public void Findings_become_one_category_per_analyser_indicator_and_rejections_have_none()
    {
        var study = Completed(new DateOnly(2026, 1, 1));
        study.Analyses = [GeneratedNetwork.Analysis(StudyKind.Ecg, new Random(1), DateTimeOffset.UnixEpoch)];
        var fact = StudyFactProjection.Project(study, HospitalA, Key);
        Assert.Equal(["ecg-intervals/result", "ecg-intervals/qtc-flag", "ecg-intervals/rate-flag"], fact.Findings.Select(f => f.Indicator));

        study.Receive(study.UpdatedAt.AddMinutes(1));
        study.Reject(study.UpdatedAt.AddMinutes(1), new StatusReason("ecg-signal-unusable", "x"));
        fact = StudyFactProjection.Project(study, HospitalA, Key);
        Assert.Equal("rejected", fact.Outcome);
        Assert.Empty(fact.Findings);
    }

    [Fact]
    public void A_study_that_is_not_final_is_not_projected()
    {
        var study = Completed(new DateOnly(2026, 1, 1));
        study.Receive(study.UpdatedAt.AddMinutes(1));
        study.MarkQueued(study.UpdatedAt.AddMinutes(1));
        Assert.Throws<ArgumentException>(() => StudyFactProjection.Project(study, HospitalA, Key));
    }

    internal static Study Completed(DateOnly birth, TenantId? tenant = null)
    {
        var id = tenant ?? HospitalA.Id;
        var study = new Study
        {
            Id = StudyIds.Study(id, StudyKind.Imaging, "1.2.3"),
            Tenant = id,
            SubjectKey = "s01",
            Kind = StudyKind.Imaging,
            StudyInstanceUid = "1.2.3.4.5.6",
            Patient = new PatientReference("urn:oid:1.2", "P-12345", "Nguyễn Thị A", birth, AdministrativeSex.Female),
            InstanceCount = 1,
            Modality = "CR",
            FirstReceivedAt = new DateTimeOffset(2026, 11, 22, 18, 30, 0, TimeSpan.Zero),
            Analyses = [GeneratedNetwork.Analysis(StudyKind.Imaging, new Random(1), DateTimeOffset.UnixEpoch)],
        };
        return study.WalkTo(StudyStatus.Completed, new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero));
    }
}
