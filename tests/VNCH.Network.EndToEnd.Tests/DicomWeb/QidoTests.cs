using System.Net;
using System.Text.Json;
using static VNCH.Network.EndToEnd.Tests.DicomWeb.DicomWebHospitals;

namespace VNCH.Network.EndToEnd.Tests.DicomWeb;

/// <summary>QIDO-RS against the embedded server: attributes per level, matching key by key, paging, tenancy.</summary>
public sealed class QidoTests(DicomWebHospitals service) : IClassFixture<DicomWebHospitals>
{
    private async Task<(HttpResponseMessage Response, JsonElement[] Results, string Body)> GetAsync(string path, string? token = null)
    {
        using var client = service.Client(token ?? service.TokenA);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dicomweb/" + path);
        request.Headers.Accept.ParseAdd("application/dicom+json");
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {body}");
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType?.MediaType);
        return (response, JsonSerializer.Deserialize<JsonElement[]>(body)!, body);
    }

    private async Task<string[]> StudiesAsync(string query)
    {
        var (_, results, _) = await GetAsync($"studies?StudyInstanceUID={Synthetic}&{query}");
        return [.. results.Select(r => Text(r, "0020000D")!).Order(StringComparer.Ordinal)];
    }

    private static JsonElement Value(JsonElement result, string tag) => result.GetProperty(tag).GetProperty("Value")[0];

    private static string? Text(JsonElement result, string tag) =>
        result.TryGetProperty(tag, out var e) && e.TryGetProperty("Value", out var v) ? v[0].GetString() : null;

    private static string Vr(JsonElement result, string tag) => result.GetProperty(tag).GetProperty("vr").GetString()!;

    [Fact]
    public async Task A_study_returns_every_study_attribute_with_its_vr_and_the_vietnamese_name_as_sent()
    {
        var (_, results, body) = await GetAsync($"studies?StudyInstanceUID={Study1}");
        var study = Assert.Single(results);

        Assert.Contains("\"Alphabetic\":\"Nguyễn^Thị Ánh\"", body, StringComparison.Ordinal); // UTF-8 as sent, not \u-escaped
        Assert.Equal("Nguyễn^Thị Ánh", Value(study, "00100010").GetProperty("Alphabetic").GetString());
        Assert.Equal("PN", Vr(study, "00100010"));
        Assert.Equal("Trần^Bảo", Value(study, "00080090").GetProperty("Alphabetic").GetString());
        Assert.Equal(("DA", "20240105"), (Vr(study, "00080020"), Text(study, "00080020")));
        Assert.Equal(("TM", "103000"), (Vr(study, "00080030"), Text(study, "00080030")));
        Assert.Equal(("SH", "A-100"), (Vr(study, "00080050"), Text(study, "00080050")));
        Assert.Equal(("LO", "VN-001"), (Vr(study, "00100020"), Text(study, "00100020")));
        Assert.Equal(("DA", "20230105"), (Vr(study, "00100030"), Text(study, "00100030")));
        Assert.Equal(("CS", "F"), (Vr(study, "00100040"), Text(study, "00100040")));
        Assert.Equal(("UI", Study1), (Vr(study, "0020000D"), Text(study, "0020000D")));
        Assert.Equal(("SH", "S-A-100"), (Vr(study, "00200010"), Text(study, "00200010")));
        Assert.Equal("Chụp X-quang ngực trẻ em", Text(study, "00081030"));
        Assert.Equal(["CR", "SR"], study.GetProperty("00080061").GetProperty("Value").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(("IS", 2), (Vr(study, "00201206"), Value(study, "00201206").GetInt32()));
        Assert.Equal(("IS", 3), (Vr(study, "00201208"), Value(study, "00201208").GetInt32()));
        Assert.Equal("ONLINE", Text(study, "00080056"));
        Assert.Equal("ISO_IR 192", Text(study, "00080005"));
        Assert.Equal(new Uri(service.Server.BaseAddress, $"/api/v1/dicomweb/studies/{Study1}").ToString(), Text(study, "00081190"));

        // Not a study return attribute: only on request.
        Assert.False(study.TryGetProperty("00100021", out _));
        Assert.False(study.TryGetProperty("00080060", out _));
        Assert.Equal(Enumerable.Range(0, study.EnumerateObject().Count() - 1).Select(_ => true), study.EnumerateObject().Zip(study.EnumerateObject().Skip(1), (x, y) => string.CompareOrdinal(x.Name, y.Name) < 0));
    }

    [Theory]
    [InlineData("PatientName=Nguyễn^Thị Ánh", Study1)]
    [InlineData("PatientName=nguyễn*", Study1)]
    [InlineData("PatientName=NGUY*", Study1 + "," + Study3)]
    [InlineData("PatientName=Nguyen*", Study3)]
    [InlineData("PatientName=L?^V*", Study2)]
    [InlineData("PatientName=Nguyễn", "")]
    [InlineData("00100010=*Bình", Study2)]
    [InlineData("PatientID=VN-002", Study2)]
    [InlineData("PatientID=vn-002", "")]
    [InlineData("PatientID=VN-00?", Synthetic)]
    [InlineData("PatientID=", Synthetic)]
    [InlineData("StudyDate=20240105", Study1)]
    [InlineData("StudyDate=20240101-20241231", Study1 + "," + Study2)]
    [InlineData("StudyDate=-20231231", Study3)]
    [InlineData("StudyDate=20240106-", Study2)]
    [InlineData("StudyTime=1000-1100", Study1)]
    [InlineData("StudyTime=-0900", Study3)]
    [InlineData("AccessionNumber=A-200", Study2)]
    [InlineData("AccessionNumber=A-*", Synthetic)]
    [InlineData("ModalitiesInStudy=SR", Study1)]
    [InlineData("ModalitiesInStudy=CT,MR", Study2 + "," + Study3)]
    [InlineData("ModalitiesInStudy=US", "")]
    [InlineData("ReferringPhysicianName=phạm*", Study2)]
    [InlineData("StudyID=S-A-300", Study3)]
    [InlineData("PatientName=N*&StudyDate=20240101-20240131", Study1)]
    public async Task Studies_match_key_by_key(string query, string expected)
    {
        var expectedStudies = expected.Split(',', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expectedStudies, await StudiesAsync(query));
    }

    [Fact]
    public async Task A_list_of_study_uids_matches_any_of_them()
    {
        var (_, results, _) = await GetAsync($"studies?StudyInstanceUID={Study2},{Study3},9.9.9");
        Assert.Equal([Study2, Study3], results.Select(r => Text(r, "0020000D")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Limit_and_offset_page_through_every_study_once_with_a_warning_while_more_remain()
    {
        var seen = new List<string>();
        for (var offset = 0; offset < 3; offset++)
        {
            var (response, results, _) = await GetAsync($"studies?StudyInstanceUID={Synthetic}&limit=1&offset={offset}");
            seen.Add(Text(Assert.Single(results), "0020000D")!);
            var warnings = response.Headers.TryGetValues("Warning", out var w) ? string.Join(";", w) : "";
            Assert.Equal(offset < 2, warnings.Contains("additional results", StringComparison.Ordinal));
        }

        Assert.Equal(Synthetic.Split(',').Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        var (_, beyond, _) = await GetAsync($"studies?StudyInstanceUID={Synthetic}&limit=1&offset=3");
        Assert.Empty(beyond);
    }

    [Fact]
    public async Task Includefield_adds_attributes_by_keyword_or_tag_and_all_adds_everything_kept()
    {
        var (_, byKeyword, _) = await GetAsync($"studies?StudyInstanceUID={Study1}&includefield=IssuerOfPatientID");
        Assert.Equal("BV-NHI", Text(Assert.Single(byKeyword), "00100021"));
        var (_, byTag, _) = await GetAsync($"studies?StudyInstanceUID={Study1}&includefield=00100021,00081030");
        Assert.Equal("BV-NHI", Text(Assert.Single(byTag), "00100021"));
        var (_, all, _) = await GetAsync($"studies?StudyInstanceUID={Study1}&includefield=all");
        var study = Assert.Single(all);
        Assert.Equal("BV-NHI", Text(study, "00100021"));
        Assert.Equal(2, Value(study, "00201206").GetInt32());
    }

    private static string[] Keys(JsonElement result) => [.. result.EnumerateObject().Select(p => p.Name)];

    /// <summary>PS3.18 Table 10.6.3-3, -4 and -5: exactly the level's attributes the instances have, and the computed ones.</summary>
    [Fact]
    public async Task Each_level_returns_exactly_its_default_attributes()
    {
        var (_, studies, _) = await GetAsync($"studies?StudyInstanceUID={Study1}");
        Assert.Equal(
            ["00080005", "00080020", "00080030", "00080050", "00080056", "00080061", "00080090", "00081030", "00081190",
             "00100010", "00100020", "00100030", "00100040", "0020000D", "00200010", "00201206", "00201208"],
            Keys(Assert.Single(studies)));

        var (_, series, _) = await GetAsync($"studies/{Study1}/series?SeriesInstanceUID={Series1Cr}");
        Assert.Equal(["00080060", "0008103E", "00081190", "0020000E", "00200011", "00201209"], Keys(Assert.Single(series)));

        var (_, instances, _) = await GetAsync($"studies/{Study1}/series/{Series1Cr}/instances?SOPInstanceUID={Instance1a}");
        Assert.Equal(["00080016", "00080018", "00080056", "00081190", "00200013", "00280010", "00280011", "00280100"], Keys(Assert.Single(instances)));
    }

    [Fact]
    public async Task Includefield_all_returns_every_kept_attribute_of_the_level_and_none_of_the_others()
    {
        var (_, studies, _) = await GetAsync($"studies?StudyInstanceUID={Study1}&includefield=all");
        var study = Keys(Assert.Single(studies));
        Assert.Contains("00100021", study); // Issuer of Patient ID: patient module
        Assert.Contains("00201208", study);
        Assert.DoesNotContain("0008103E", study); // Series Description
        Assert.DoesNotContain("00080060", study); // Modality
        Assert.DoesNotContain("00080016", study); // SOP Class UID
        Assert.DoesNotContain("00281050", study); // Window Center

        var (_, series, _) = await GetAsync($"studies/{Study1}/series?SeriesInstanceUID={Series1Cr}&includefield=all");
        var oneSeries = Keys(Assert.Single(series));
        Assert.Contains("0008103E", oneSeries);
        Assert.Contains("00201209", oneSeries);
        Assert.DoesNotContain("00100010", oneSeries);
        Assert.DoesNotContain("00080016", oneSeries);
        Assert.DoesNotContain("00281050", oneSeries);

        var (_, instances, _) = await GetAsync($"studies/{Study1}/series/{Series1Cr}/instances?SOPInstanceUID={Instance1a}&includefield=all");
        var instance = Assert.Single(instances);
        Assert.Equal("MONOCHROME2", Text(instance, "00280004"));
        Assert.Equal(128, Value(instance, "00281050").GetDouble());
        Assert.Equal(1, Value(instance, "00280002").GetInt32());
        Assert.DoesNotContain("00100010", Keys(instance));
        Assert.DoesNotContain("0008103E", Keys(instance));

        // Not scoped to a study: the study's attributes come with each series, "all" of them.
        var (_, acrossStudies, _) = await GetAsync($"series?SeriesInstanceUID={Series1Cr}&includefield=all");
        var across = Assert.Single(acrossStudies);
        Assert.Equal("BV-NHI", Text(across, "00100021"));
        Assert.Equal("Loạt 1", Text(across, "0008103E"));
        Assert.DoesNotContain("00280004", Keys(across));
    }

    [Fact]
    public async Task Series_of_a_study_carry_series_attributes_and_counts_but_not_the_study()
    {
        var (_, results, _) = await GetAsync($"studies/{Study1}/series");
        Assert.Equal([Series1Cr, Series1Sr], results.Select(r => Text(r, "0020000E")));
        var cr = results[0];
        Assert.Equal(("CS", "CR"), (Vr(cr, "00080060"), Text(cr, "00080060")));
        Assert.Equal(("IS", 1), (Vr(cr, "00200011"), Value(cr, "00200011").GetInt32()));
        Assert.Equal("Loạt 1", Text(cr, "0008103E"));
        Assert.Equal(2, Value(cr, "00201209").GetInt32());
        Assert.EndsWith($"/api/v1/dicomweb/studies/{Study1}/series/{Series1Cr}", Text(cr, "00081190"), StringComparison.Ordinal);
        Assert.False(cr.TryGetProperty("00100010", out _));

        var (_, sr, _) = await GetAsync($"studies/{Study1}/series?Modality=SR");
        Assert.Equal([Series1Sr], sr.Select(r => Text(r, "0020000E")));
        var (_, numbered, _) = await GetAsync($"studies/{Study1}/series?SeriesNumber=2");
        Assert.Equal([Series1Sr], numbered.Select(r => Text(r, "0020000E")));
    }

    [Fact]
    public async Task Series_across_studies_carry_their_study_attributes()
    {
        var (_, results, _) = await GetAsync($"series?Modality=CT&StudyInstanceUID={Synthetic}");
        var series = Assert.Single(results);
        Assert.Equal(Series2, Text(series, "0020000E"));
        Assert.Equal("Lê^Văn Bình", Value(series, "00100010").GetProperty("Alphabetic").GetString());
        Assert.Equal(Study2, Text(series, "0020000D"));
    }

    [Fact]
    public async Task Instances_of_a_series_carry_instance_attributes()
    {
        var (_, results, _) = await GetAsync($"studies/{Study1}/series/{Series1Cr}/instances");
        Assert.Equal([Instance1a, Instance1b], results.Select(r => Text(r, "00080018")));
        var first = results[0];
        Assert.Equal(("UI", SecondaryCapture), (Vr(first, "00080016"), Text(first, "00080016")));
        Assert.Equal(1, Value(first, "00200013").GetInt32());
        Assert.Equal(("US", 8), (Vr(first, "00280010"), Value(first, "00280010").GetInt32()));
        Assert.Equal(16, Value(first, "00280011").GetInt32());
        Assert.Equal(8, Value(first, "00280100").GetInt32());
        Assert.EndsWith($"/studies/{Study1}/series/{Series1Cr}/instances/{Instance1a}", Text(first, "00081190"), StringComparison.Ordinal);
        Assert.False(first.TryGetProperty("00100010", out _));
        Assert.False(first.TryGetProperty("0020000E", out _));

        var (_, top, _) = await GetAsync($"instances?SOPInstanceUID={Instance2}");
        var instance = Assert.Single(top);
        Assert.Equal(Series2, Text(instance, "0020000E"));
        Assert.Equal("VN-002", Text(instance, "00100020"));
        var (_, bySopClass, _) = await GetAsync($"studies/{Study1}/instances?SOPClassUID={BasicTextSr}");
        Assert.Equal([Instance1Sr], bySopClass.Select(r => Text(r, "00080018")));
        var (_, byNumber, _) = await GetAsync($"studies/{Study1}/instances?InstanceNumber=2");
        Assert.Equal([Instance1b], byNumber.Select(r => Text(r, "00080018")));
    }

    [Fact]
    public async Task Each_hospital_sees_its_own_study_under_the_same_uids()
    {
        var (_, a, _) = await GetAsync($"studies?StudyInstanceUID={Study1}");
        var (_, b, _) = await GetAsync($"studies?StudyInstanceUID={Study1}", service.TokenB);
        Assert.Equal("VN-001", Text(Assert.Single(a), "00100020"));
        var hisStudy = Assert.Single(b);
        Assert.Equal("B-777", Text(hisStudy, "00100020"));
        Assert.Equal("Đặng^Minh", Value(hisStudy, "00100010").GetProperty("Alphabetic").GetString());
        Assert.Equal(1, Value(hisStudy, "00201208").GetInt32());
        var (_, none, _) = await GetAsync($"studies?StudyInstanceUID={Study2}", service.TokenB);
        Assert.Empty(none);
        var (_, noSeries, _) = await GetAsync($"studies/{Study2}/series", service.TokenB);
        Assert.Empty(noSeries);
    }

    [Fact]
    public async Task Unknown_parameters_are_refused_and_unsupported_keys_ignored_with_a_warning()
    {
        using var client = service.Client(service.TokenA);
        using var bad = await client.GetAsync("/api/v1/dicomweb/studies?NotAnAttribute=1");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("application/problem+json", bad.Content.Headers.ContentType?.MediaType);
        using var badLimit = await client.GetAsync("/api/v1/dicomweb/studies?limit=many");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);

        var (response, results, _) = await GetAsync($"studies?StudyInstanceUID={Synthetic}&PatientSex=F&fuzzymatching=true");
        Assert.Equal(3, results.Length);
        var warnings = string.Join(";", response.Headers.GetValues("Warning"));
        Assert.Contains("PatientSex", warnings, StringComparison.Ordinal);
        Assert.Contains("fuzzymatching", warnings, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Searches_are_audited_without_the_values_searched_for()
    {
        await GetAsync($"studies?PatientName=Nguyễn*&StudyInstanceUID={Synthetic}");
        using var client = service.Client(service.TokenA);
        var audit = await client.GetStringAsync("/api/v1/audit?limit=500");
        Assert.Contains("dicomweb.search", audit, StringComparison.Ordinal);
        Assert.Contains("PatientName", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("Nguyễn", audit, StringComparison.Ordinal);
    }
}
