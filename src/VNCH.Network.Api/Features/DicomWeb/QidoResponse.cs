using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using VNCH.Network.Core.Features.DicomWeb;
using VNCH.Network.Dicom;
using VNCH.Network.Dicom.Json;

namespace VNCH.Network.Api.Features.DicomWeb;

/// <summary>
/// QIDO-RS answers in DICOM JSON: per level the attributes of PS3.18 Table 10.6.3-3/-4/-5 (and Study Description),
/// plus those asked for with includefield (all: every attribute the index keeps that belongs to the level, see
/// <see cref="DicomAttributeLevels"/>), the counts and Retrieve URLs. Text is written as received (UTF-8, no
/// escaping of Vietnamese letters).
/// </summary>
public static class QidoResponse
{
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlySet<DicomTag> StudyAttributes { get; } = new HashSet<DicomTag>
    {
        DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber, DicomTags.ReferringPhysicianName,
        DicomTags.TimezoneOffsetFromUTC, DicomTags.StudyDescription, DicomTags.PatientName, DicomTags.PatientID,
        DicomTags.PatientBirthDate, DicomTags.PatientSex, DicomTags.StudyInstanceUID, DicomTags.StudyID,
    };

    public static IReadOnlySet<DicomTag> SeriesAttributes { get; } = new HashSet<DicomTag>
    {
        DicomTags.Modality, DicomTags.TimezoneOffsetFromUTC, DicomTags.SeriesDescription, DicomTags.SeriesInstanceUID,
        DicomTags.SeriesNumber, DicomTags.PerformedProcedureStepStartDate, DicomTags.PerformedProcedureStepStartTime,
        DicomTags.RequestAttributesSequence,
    };

    public static IReadOnlySet<DicomTag> InstanceAttributes { get; } = new HashSet<DicomTag>
    {
        DicomTags.SOPClassUID, DicomTags.SOPInstanceUID, DicomTags.TimezoneOffsetFromUTC, DicomTags.InstanceNumber,
        DicomTags.Rows, DicomTags.Columns, DicomTags.BitsAllocated, DicomTags.NumberOfFrames,
    };

    public static JsonArray Studies(IReadOnlyList<DicomStudyMatch> studies, QidoRequest request, Func<string, string> url)
    {
        var array = new JsonArray();
        foreach (var study in studies)
        {
            var result = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
            AddStudy(result, study, request, url);
            array.Add(ToObject(result));
        }

        return array;
    }

    /// <param name="withStudy">The query was not study-scoped: the study's attributes come too (PS3.18 10.6.3.3).</param>
    public static JsonArray Series(IReadOnlyList<DicomSeriesMatch> series, QidoRequest request, Func<string, string> url, bool withStudy)
    {
        var array = new JsonArray();
        foreach (var match in series)
        {
            var result = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
            if (withStudy)
            {
                AddStudy(result, match.Study, request, url);
            }

            AddSeries(result, match, request, url);
            array.Add(ToObject(result));
        }

        return array;
    }

    public static JsonArray Instances(IReadOnlyList<DicomInstanceMatch> instances, QidoRequest request, Func<string, string> url, bool withStudy, bool withSeries)
    {
        var array = new JsonArray();
        foreach (var match in instances)
        {
            var result = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
            if (withStudy)
            {
                AddStudy(result, match.Series.Study, request, url);
            }

            if (withSeries)
            {
                AddSeries(result, match.Series, request, url);
            }

            Pick(result, match.AttributesJson, DicomQueryLevel.Instance, InstanceAttributes, request);
            var study = match.Series.Study.StudyInstanceUid;
            result[Key(DicomTags.InstanceAvailability)] = Element("CS", "ONLINE");
            result[Key(DicomTags.RetrieveURL)] = Element("UR", url(DicomWebResources.InstancePath(study, match.Series.SeriesInstanceUid, match.SopInstanceUid)));
            array.Add(ToObject(result));
        }

        return array;
    }

    private static void AddStudy(SortedDictionary<string, JsonNode?> result, DicomStudyMatch study, QidoRequest request, Func<string, string> url)
    {
        Pick(result, study.AttributesJson, DicomQueryLevel.Study, StudyAttributes, request);
        result[Key(DicomTags.SpecificCharacterSet)] = Element("CS", "ISO_IR 192"); // the JSON text is Unicode, sent as UTF-8
        result[Key(DicomTags.InstanceAvailability)] = Element("CS", "ONLINE");
        result[Key(DicomTags.ModalitiesInStudy)] = study.Modalities.Count == 0
            ? new JsonObject { ["vr"] = "CS" }
            : new JsonObject { ["vr"] = "CS", ["Value"] = new JsonArray([.. study.Modalities.Select(m => (JsonNode?)m)]) };
        result[Key(DicomTags.RetrieveURL)] = Element("UR", url(DicomWebResources.StudyPath(study.StudyInstanceUid)));
        result[Key(DicomTags.NumberOfStudyRelatedSeries)] = Element("IS", study.SeriesCount);
        result[Key(DicomTags.NumberOfStudyRelatedInstances)] = Element("IS", study.InstanceCount);
    }

    private static void AddSeries(SortedDictionary<string, JsonNode?> result, DicomSeriesMatch series, QidoRequest request, Func<string, string> url)
    {
        Pick(result, series.AttributesJson, DicomQueryLevel.Series, SeriesAttributes, request);
        result[Key(DicomTags.RetrieveURL)] = Element("UR", url(DicomWebResources.SeriesPath(series.Study.StudyInstanceUid, series.SeriesInstanceUid)));
        result[Key(DicomTags.NumberOfSeriesRelatedInstances)] = Element("IS", series.InstanceCount);
    }

    /// <summary>The level's attributes, the include fields and (with all) every stored attribute of the level.</summary>
    private static void Pick(SortedDictionary<string, JsonNode?> result, string attributesJson, DicomQueryLevel level, IReadOnlySet<DicomTag> defaults, QidoRequest request)
    {
        var stored = JsonNode.Parse(attributesJson)!.AsObject();
        foreach (var (key, value) in stored)
        {
            var tag = new DicomTag(uint.Parse(key, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            if ((request.IncludeAll && DicomAttributeLevels.Of(tag) == level) || defaults.Contains(tag) || request.IncludeFields.Contains(tag))
            {
                result[key] = value?.DeepClone();
            }
        }
    }

    private static string Key(DicomTag tag) => DicomJsonWriter.Key(tag);

    private static JsonObject Element(string vr, JsonNode value) => new() { ["vr"] = vr, ["Value"] = new JsonArray(value) };

    private static JsonObject ToObject(SortedDictionary<string, JsonNode?> attributes)
    {
        var json = new JsonObject();
        foreach (var (key, value) in attributes)
        {
            json[key] = value;
        }

        return json;
    }
}
