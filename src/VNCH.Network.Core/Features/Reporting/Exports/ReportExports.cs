using VNCH.Network.Core.Features.Records;
using VNCH.Network.Core.Features.Tenancy;

namespace VNCH.Network.Core.Features.Reporting.Exports;

/// <summary>The report formats and the names the API (<c>?format=</c>) and the CLI (<c>--format</c>) give them.</summary>
public static class ReportFormats
{
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["json"] = MediaTypes.Json,
        ["csv"] = MediaTypes.Csv,
        ["fhir"] = MediaTypes.FhirJson,
        ["adx"] = MediaTypes.Adx,
        ["dhis2"] = MediaTypes.Dhis2DataValueSets,
    };

    /// <summary>What GET /api/v1/reports/network serves, the default first.</summary>
    public static IReadOnlyList<string> Network { get; } = [MediaTypes.Json, MediaTypes.Csv, MediaTypes.FhirJson, MediaTypes.Adx, MediaTypes.Dhis2DataValueSets];

    /// <summary>What GET /api/v1/reports/series serves, the default first.</summary>
    public static IReadOnlyList<string> Series { get; } = [MediaTypes.Json, MediaTypes.Csv, MediaTypes.FhirJson, MediaTypes.Adx, MediaTypes.Dhis2DataValueSets];
}

public enum ReportExportStatus
{
    Ok,

    /// <summary>The DHIS2 mapping cannot place some cell (listed); nothing is exported.</summary>
    MappingIncomplete,

    /// <summary>ADX needs at least one value; every cell of the selection is suppressed or zero.</summary>
    NothingPublished,
}

public sealed record ReportExport(ReportExportStatus Status, string Content, IReadOnlyList<string> Missing);

/// <summary>A report (already selected, guarded and audited by <see cref="ReportQueries"/>) in the exchange formats.</summary>
public sealed class ReportExports(ITenantDirectory tenants, Dhis2Mapping mapping)
{
    public async Task<ReportExport> RenderAsync(NetworkReport report, string mediaType, CancellationToken cancellationToken)
    {
        var hospitals = (await tenants.ListAsync(cancellationToken)).ToDictionary(t => t.Id.Value, StringComparer.Ordinal);
        if (mediaType == MediaTypes.FhirJson)
        {
            return new(ReportExportStatus.Ok, FhirJson.Serialize(MeasureReportExport.Build(report, hospitals)), []);
        }

        var (export, missing) = Dhis2Exports.Build(report, mapping, hospitals.ToDictionary(h => h.Key, h => h.Value.FacilityCode, StringComparer.Ordinal));
        if (export is null)
        {
            return new(ReportExportStatus.MappingIncomplete, "", missing);
        }

        if (mediaType == MediaTypes.Adx)
        {
            return export.Values.Count == 0 ? new(ReportExportStatus.NothingPublished, "", []) : new(ReportExportStatus.Ok, Dhis2Exports.WriteAdx(export), []);
        }

        return mediaType == MediaTypes.Dhis2DataValueSets
            ? new(ReportExportStatus.Ok, Dhis2Exports.WriteDataValueSets(export), [])
            : throw new ArgumentOutOfRangeException(nameof(mediaType), mediaType, "Not an export format.");
    }
}
