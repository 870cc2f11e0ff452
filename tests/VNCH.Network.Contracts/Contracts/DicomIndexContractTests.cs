using System.Text.Json;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Core.Features.Tenancy;
using VNCH.Network.Dicom;

namespace VNCH.Network.Contracts.Contracts;

/// <summary>What every <see cref="IDicomIndex"/> adapter must do. Derive and supply <see cref="CreateIndex"/>.</summary>
public abstract class DicomIndexContractTests
{
    protected static readonly TenantId TenantA = TenantId.Parse("contract-a");
    protected static readonly TenantId TenantB = TenantId.Parse("contract-b");

    /// <summary>A fresh, empty index.</summary>
    protected abstract IDicomIndex CreateIndex();

    /// <summary>One instance, written as DICOM, read back and described exactly as ingestion does.</summary>
    public static DicomIndexEntry Entry(
        TenantId tenant, string study, string series, string instance,
        string patientName = "Nguyễn^Văn An", string patientId = "P-1", string studyDate = "20240105", string studyTime = "103000",
        string modality = "CR", int seriesNumber = 1, int instanceNumber = 1, string accession = "ACC-1",
        string referring = "Trần^Bảo", string sopClass = "1.2.840.10008.5.1.4.1.1.1", string? requestedProcedureId = null)
    {
        var ds = Dataset(study, series, instance, patientName, patientId, studyDate, studyTime, modality, seriesNumber, instanceNumber, accession, referring, sopClass);
        if (requestedProcedureId is not null)
        {
            ds.AddSequence(DicomTags.RequestAttributesSequence, new DicomDataset().Add(DicomTags.RequestedProcedureID, requestedProcedureId));
        }

        using var stream = new MemoryStream();
        DicomWriter.Write(stream, ds);
        var attributes = DicomInstanceAttributes.From(DicomReader.Read(stream.ToArray()))!;
        return new DicomIndexEntry(tenant, "study-" + study, new string('a', 63) + instance[^1], stream.Length, attributes);
    }

    /// <summary>A data set with the attributes QIDO matches and returns (also used by the DICOMweb end-to-end tests).</summary>
    public static DicomDataset Dataset(
        string study, string series, string instance, string patientName, string patientId, string studyDate, string studyTime,
        string modality, int seriesNumber, int instanceNumber, string accession, string referring, string sopClass) =>
        new DicomDataset()
            .Add(DicomTags.SOPClassUID, sopClass)
            .Add(DicomTags.SOPInstanceUID, instance)
            .Add(DicomTags.StudyDate, studyDate)
            .Add(DicomTags.StudyTime, studyTime)
            .Add(DicomTags.AccessionNumber, accession)
            .Add(DicomTags.Modality, modality)
            .Add(DicomTags.ReferringPhysicianName, referring)
            .Add(DicomTags.StudyDescription, "Chụp X-quang ngực")
            .Add(DicomTags.PatientName, patientName)
            .Add(DicomTags.PatientID, patientId)
            .Add(DicomTags.StudyInstanceUID, study)
            .Add(DicomTags.SeriesInstanceUID, series)
            .Add(DicomTags.StudyID, "S-" + accession)
            .Add(DicomTags.SeriesNumber, seriesNumber)
            .Add(DicomTags.InstanceNumber, instanceNumber);

    private static async Task<IDicomIndex> IndexWith(IDicomIndex index, params DicomIndexEntry[] entries)
    {
        foreach (var entry in entries)
        {
            await index.AddAsync(entry, CancellationToken.None);
        }

        return index;
    }

    private static DicomQuery Query(params (DicomIndexKey Key, string Value)[] matches) =>
        new() { Matches = [.. matches.Select(m => new DicomMatch(m.Key, m.Value))] };

    private async Task<IReadOnlyList<string>> StudiesMatching(params (DicomIndexKey Key, string Value)[] matches)
    {
        var index = await IndexWith(CreateIndex(),
            Entry(TenantA, "1.1", "1.1.1", "1.1.1.1", patientName: "Nguyễn^Văn An", patientId: "P-1", studyDate: "20240105", studyTime: "103000", modality: "CR", accession: "ACC-1"),
            Entry(TenantA, "1.1", "1.1.2", "1.1.2.1", modality: "SR", seriesNumber: 2),
            Entry(TenantA, "1.2", "1.2.1", "1.2.1.1", patientName: "NGUYEN^BINH", patientId: "P-2", studyDate: "20240220", studyTime: "154500", modality: "CT", accession: "ACC-2", referring: "Lê^Hoa"),
            Entry(TenantA, "1.3", "1.3.1", "1.3.1.1", patientName: "Phạm^Thu=范^秋", patientId: "Q-13", studyDate: "20231231", studyTime: "080000", modality: "MR", accession: "ACC-3"));
        var found = await index.SearchStudiesAsync(TenantA, Query(matches), CancellationToken.None);
        return [.. found.Select(s => s.StudyInstanceUid).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public async Task Added_instances_are_found_at_every_level_with_their_counts()
    {
        var index = await IndexWith(CreateIndex(),
            Entry(TenantA, "1.1", "1.1.1", "1.1.1.1", modality: "CR"),
            Entry(TenantA, "1.1", "1.1.1", "1.1.1.2", instanceNumber: 2),
            Entry(TenantA, "1.1", "1.1.2", "1.1.2.1", modality: "SR", seriesNumber: 2));

        var study = Assert.Single(await index.SearchStudiesAsync(TenantA, new DicomQuery(), CancellationToken.None));
        Assert.Equal("1.1", study.StudyInstanceUid);
        Assert.Equal("study-1.1", study.StudyId);
        Assert.Equal(2, study.SeriesCount);
        Assert.Equal(3, study.InstanceCount);
        Assert.Equal(["CR", "SR"], study.Modalities);
        using (var json = JsonDocument.Parse(study.AttributesJson))
        {
            Assert.Equal("Nguyễn^Văn An", json.RootElement.GetProperty("00100010").GetProperty("Value")[0].GetProperty("Alphabetic").GetString());
        }

        var series = await index.SearchSeriesAsync(TenantA, Query((DicomIndexKey.StudyInstanceUid, "1.1")), CancellationToken.None);
        Assert.Equal(["1.1.1", "1.1.2"], series.Select(s => s.SeriesInstanceUid));
        Assert.Equal([2, 1], series.Select(s => s.InstanceCount));
        Assert.All(series, s => Assert.Equal(3, s.Study.InstanceCount));

        var instances = await index.SearchInstancesAsync(TenantA, Query((DicomIndexKey.SeriesInstanceUid, "1.1.1")), CancellationToken.None);
        Assert.Equal(["1.1.1.1", "1.1.1.2"], instances.Select(i => i.SopInstanceUid));
        Assert.All(instances, i => Assert.Equal("1.1.1", i.Series.SeriesInstanceUid));
    }

    [Fact]
    public async Task Adding_an_instance_again_changes_nothing()
    {
        var entry = Entry(TenantA, "1.1", "1.1.1", "1.1.1.1");
        var index = await IndexWith(CreateIndex(), entry, entry, entry);
        var study = Assert.Single(await index.SearchStudiesAsync(TenantA, new DicomQuery(), CancellationToken.None));
        Assert.Equal(1, study.InstanceCount);
        Assert.Equal(1, study.SeriesCount);
        Assert.Single(await index.GetInstancesAsync(TenantA, "1.1", null, null, CancellationToken.None));
    }

    [Fact]
    public async Task The_same_uids_in_two_hospitals_are_two_studies_and_each_sees_only_its_own()
    {
        var index = await IndexWith(CreateIndex(),
            Entry(TenantA, "1.1", "1.1.1", "1.1.1.1", patientId: "A-1"),
            Entry(TenantB, "1.1", "1.1.1", "1.1.1.1", patientId: "B-1"),
            Entry(TenantB, "1.1", "1.1.1", "1.1.1.2", patientId: "B-1", instanceNumber: 2));

        var a = Assert.Single(await index.SearchStudiesAsync(TenantA, new DicomQuery(), CancellationToken.None));
        var b = Assert.Single(await index.SearchStudiesAsync(TenantB, new DicomQuery(), CancellationToken.None));
        Assert.Equal(1, a.InstanceCount);
        Assert.Equal(2, b.InstanceCount);
        Assert.Contains("A-1", a.AttributesJson, StringComparison.Ordinal);
        Assert.Contains("B-1", b.AttributesJson, StringComparison.Ordinal);
        Assert.Single(await index.GetInstancesAsync(TenantA, "1.1", null, null, CancellationToken.None));
        Assert.Empty(await index.SearchStudiesAsync(TenantB, Query((DicomIndexKey.PatientId, "A-1")), CancellationToken.None));
        Assert.Empty(await index.GetInstancesAsync(TenantId.Parse("contract-c"), "1.1", null, null, CancellationToken.None));
    }

    [Fact]
    public async Task Patient_name_matches_with_wildcards_without_case_and_never_fuzzily() =>
        await AssertMatches(
            ((DicomIndexKey.PatientName, "Nguyễn^Văn An"), ["1.1"]),
            ((DicomIndexKey.PatientName, "nguyễn*"), ["1.1"]),
            ((DicomIndexKey.PatientName, "NGUY*"), ["1.1", "1.2"]),
            ((DicomIndexKey.PatientName, "Nguyen*"), ["1.2"]),
            ((DicomIndexKey.PatientName, "?guy?n^B*"), ["1.2"]),
            ((DicomIndexKey.PatientName, "范^秋"), ["1.3"]),
            ((DicomIndexKey.PatientName, "Nguyễn"), []));

    [Fact]
    public async Task Text_keys_match_exactly_or_by_wildcard_and_case_sensitively() =>
        await AssertMatches(
            ((DicomIndexKey.PatientId, "P-1"), ["1.1"]),
            ((DicomIndexKey.PatientId, "p-1"), []),
            ((DicomIndexKey.PatientId, "P-?"), ["1.1", "1.2"]),
            ((DicomIndexKey.PatientId, "*"), ["1.1", "1.2", "1.3"]),
            ((DicomIndexKey.AccessionNumber, "ACC-2"), ["1.2"]),
            ((DicomIndexKey.StudyIdentifier, "S-ACC-3"), ["1.3"]),
            ((DicomIndexKey.ReferringPhysicianName, "lê*"), ["1.2"]));

    [Fact]
    public async Task Dates_and_times_match_single_values_and_ranges() =>
        await AssertMatches(
            ((DicomIndexKey.StudyDate, "20240105"), ["1.1"]),
            ((DicomIndexKey.StudyDate, "20240101-20241231"), ["1.1", "1.2"]),
            ((DicomIndexKey.StudyDate, "-20240105"), ["1.1", "1.3"]),
            ((DicomIndexKey.StudyDate, "20240106-"), ["1.2"]),
            ((DicomIndexKey.StudyTime, "1030"), ["1.1"]),
            ((DicomIndexKey.StudyTime, "0900-1600"), ["1.1", "1.2"]),
            ((DicomIndexKey.StudyTime, "-1030"), ["1.1", "1.3"]));

    [Fact]
    public async Task Uid_lists_and_modalities_in_study_match_any_listed_value() =>
        await AssertMatches(
            ((DicomIndexKey.StudyInstanceUid, "1.1,1.3"), ["1.1", "1.3"]),
            ((DicomIndexKey.StudyInstanceUid, "1.2\\9.9"), ["1.2"]),
            ((DicomIndexKey.ModalitiesInStudy, "SR"), ["1.1"]),
            ((DicomIndexKey.ModalitiesInStudy, "CT,MR"), ["1.2", "1.3"]),
            ((DicomIndexKey.ModalitiesInStudy, "US"), []));

    [Fact]
    public async Task Conditions_combine_with_and()
    {
        Assert.Equal(["1.1"], await StudiesMatching((DicomIndexKey.PatientName, "N*"), (DicomIndexKey.StudyDate, "20240101-20240131")));
    }

    [Fact]
    public async Task Series_and_instance_keys_match_at_their_levels()
    {
        var index = await IndexWith(CreateIndex(),
            Entry(TenantA, "1.1", "1.1.1", "1.1.1.1", modality: "CT", seriesNumber: 3, instanceNumber: 1),
            Entry(TenantA, "1.1", "1.1.1", "1.1.1.2", modality: "CT", seriesNumber: 3, instanceNumber: 2, sopClass: "1.2.840.10008.5.1.4.1.1.2"),
            Entry(TenantA, "1.1", "1.1.2", "1.1.2.1", modality: "SR", seriesNumber: 4, requestedProcedureId: "RP-7"),
            Entry(TenantA, "1.2", "1.2.1", "1.2.1.1", modality: "CT", seriesNumber: 3, patientId: "P-2"));

        async Task<string[]> Series(params (DicomIndexKey, string)[] q) =>
            [.. (await index.SearchSeriesAsync(TenantA, Query(q), CancellationToken.None)).Select(s => s.SeriesInstanceUid).Order(StringComparer.Ordinal)];
        async Task<string[]> Instances(params (DicomIndexKey, string)[] q) =>
            [.. (await index.SearchInstancesAsync(TenantA, Query(q), CancellationToken.None)).Select(s => s.SopInstanceUid).Order(StringComparer.Ordinal)];

        Assert.Equal(["1.1.1", "1.2.1"], await Series((DicomIndexKey.Modality, "CT")));
        Assert.Equal(["1.1.1"], await Series((DicomIndexKey.Modality, "CT"), (DicomIndexKey.PatientId, "P-1")));
        Assert.Equal(["1.1.2"], await Series((DicomIndexKey.SeriesNumber, "4")));
        Assert.Equal(["1.1.2"], await Series((DicomIndexKey.RequestedProcedureId, "RP-7")));
        Assert.Equal(["1.1.1.2"], await Instances((DicomIndexKey.SopClassUid, "1.2.840.10008.5.1.4.1.1.2")));
        Assert.Equal(["1.1.1.1", "1.2.1.1"], await Instances((DicomIndexKey.InstanceNumber, "1"), (DicomIndexKey.Modality, "CT")));
        Assert.Equal(["1.2.1.1"], await Instances((DicomIndexKey.SopInstanceUid, "1.2.1.1,7.7")));
    }

    [Fact]
    public async Task Pages_by_offset_and_limit_cover_every_study_once()
    {
        var index = CreateIndex();
        for (var i = 0; i < 7; i++)
        {
            await index.AddAsync(Entry(TenantA, $"2.{i}", $"2.{i}.1", $"2.{i}.1.1"), CancellationToken.None);
        }

        var seen = new List<string>();
        for (var offset = 0; offset < 9; offset += 3)
        {
            var page = await index.SearchStudiesAsync(TenantA, new DicomQuery { Offset = offset, Limit = 3 }, CancellationToken.None);
            Assert.True(page.Count == Math.Min(3, 7 - offset), $"page at {offset} has {page.Count}");
            seen.AddRange(page.Select(s => s.StudyInstanceUid));
        }

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"2.{i}").Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal("2.6", seen[0]); // newest first
    }

    [Fact]
    public async Task Stored_instances_of_a_study_series_or_instance_in_series_then_instance_order()
    {
        var index = await IndexWith(CreateIndex(),
            Entry(TenantA, "1.1", "1.1.2", "1.1.2.1", seriesNumber: 2),
            Entry(TenantA, "1.1", "1.1.1", "1.1.1.2", seriesNumber: 1, instanceNumber: 2),
            Entry(TenantA, "1.1", "1.1.1", "1.1.1.1", seriesNumber: 1, instanceNumber: 1));

        var all = await index.GetInstancesAsync(TenantA, "1.1", null, null, CancellationToken.None);
        Assert.Equal(["1.1.1.1", "1.1.1.2", "1.1.2.1"], all.Select(i => i.SopInstanceUid));
        var first = all[0];
        Assert.Equal(("1.1", "1.1.1", "study-1.1"), (first.StudyInstanceUid, first.SeriesInstanceUid, first.StudyId));
        Assert.Equal("1.2.840.10008.1.2.1", first.TransferSyntaxUid);
        Assert.Equal(64, first.Sha256.Length);
        Assert.True(first.Length > 0);

        Assert.Equal(["1.1.2.1"], (await index.GetInstancesAsync(TenantA, "1.1", "1.1.2", null, CancellationToken.None)).Select(i => i.SopInstanceUid));
        Assert.Equal(["1.1.1.2"], (await index.GetInstancesAsync(TenantA, "1.1", "1.1.1", "1.1.1.2", CancellationToken.None)).Select(i => i.SopInstanceUid));
        Assert.Empty(await index.GetInstancesAsync(TenantA, "1.1", "1.1.2", "1.1.1.2", CancellationToken.None));
        Assert.Empty(await index.GetInstancesAsync(TenantA, "9.9", null, null, CancellationToken.None));
    }

    private async Task AssertMatches(params ((DicomIndexKey Key, string Value) Match, string[] Expected)[] cases)
    {
        foreach (var (match, expected) in cases)
        {
            var found = await StudiesMatching(match);
            Assert.True(expected.SequenceEqual(found), $"{match.Key}={match.Value}: expected [{string.Join(", ", expected)}], found [{string.Join(", ", found)}]");
        }
    }
}
