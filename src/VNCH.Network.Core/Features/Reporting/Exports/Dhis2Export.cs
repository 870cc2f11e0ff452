using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace VNCH.Network.Core.Features.Reporting.Exports;

/// <summary>One DHIS2 data value: a published count of one cell, in the mapping's codes.</summary>
/// <param name="Disaggregation">(category code, option code) per disaggregating dimension, in the data element's order.</param>
public sealed record Dhis2DataValue(
    string DataElement, ReportPeriod Period, string OrgUnit, IReadOnlyList<(string Category, string Option)> Disaggregation, string CategoryOptionCombo, int Value);

/// <summary>The published cells of a report as DHIS2 data values; suppressed cells are not values and are left out.</summary>
public sealed record Dhis2Export(Dhis2Mapping Mapping, DateTimeOffset Exported, IReadOnlyList<Dhis2DataValue> Values);

/// <summary>
/// Turns a report's rows into DHIS2 data values through the <see cref="Dhis2Mapping"/>, and writes them as IHE ADX
/// XML or DHIS2 dataValueSets JSON. A cell the mapping cannot place (no data element for its breakdown, an org unit
/// or option without a code) makes the whole export fail with the list of what is missing: a national system must
/// never receive a silently partial table.
/// </summary>
public static class Dhis2Exports
{
    public const string AdxNamespace = "urn:ihe:qrph:adx:2015";

    /// <param name="facilityCodes">Hospital (tenant id) → facility code, the hospital's org unit.</param>
    public static (Dhis2Export? Export, IReadOnlyList<string> Missing) Build(NetworkReport report, Dhis2Mapping mapping, IReadOnlyDictionary<string, string?> facilityCodes)
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var values = new List<Dhis2DataValue>();
        var table = report.Table;
        foreach (var row in report.Rows)
        {
            var cell = row.Cell;
            var orgUnit = OrgUnit(cell, mapping, facilityCodes, missing);
            var brokenDown = table.Dimensions.Where(d => d != ReportDimension.Geography && cell.Value(d) != ReportTables.Total).Select(ReportTables.Name).ToHashSet();
            var elements = mapping.DataElements
                .Where(e => e.Table == table.Name && e.Categories.Count == brokenDown.Count && e.Categories.All(c => mapping.Categories.TryGetValue(c, out var category) && brokenDown.Contains(category.Dimension)))
                .ToList();
            if (elements.Count == 0)
            {
                missing.Add($"No data element carries {table.Name} broken down by ({string.Join(", ", brokenDown.Order(StringComparer.Ordinal))}).");
                continue;
            }

            foreach (var element in elements)
            {
                var disaggregation = new List<(string, string)>();
                foreach (var code in element.Categories)
                {
                    var category = mapping.Categories[code];
                    var value = cell.Value(Dimension(category.Dimension));
                    if (category.Options.TryGetValue(value, out var option))
                    {
                        disaggregation.Add((code, option));
                    }
                    else
                    {
                        missing.Add($"Category {code} has no option for {category.Dimension} '{value}'.");
                    }
                }

                var count = element.Measure == Dhis2Mapping.StudiesMeasure ? row.Studies : row.Children;
                if (orgUnit is null || disaggregation.Count != element.Categories.Count || count is null)
                {
                    continue; // missing codes are reported above; a suppressed cell is never a value
                }

                var combo = disaggregation.Count == 0 ? mapping.DefaultCategoryOptionCombo : mapping.CategoryOptionCombos[Dhis2Mapping.ComboKey(disaggregation.Select(d => d.Item2))];
                values.Add(new Dhis2DataValue(element.Id, ReportingPeriods.Parse(cell.Grain, cell.Period), orgUnit, disaggregation, combo, count.Value));
            }
        }

        return missing.Count > 0 ? (null, missing.ToList()) : (new Dhis2Export(mapping, report.Snapshot.AsOf, values), []);
    }

    /// <summary>ADX period: the first day and an ISO 8601 duration, e.g. 2026-11-23/P7D, 2026-11-01/P1M.</summary>
    public static string AdxPeriod(ReportPeriod period) => period.Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "/" + period.Grain switch
    {
        PeriodGrain.Week => "P7D",
        PeriodGrain.Month => "P1M",
        PeriodGrain.Quarter => "P3M",
        _ => "P1Y",
    };

    /// <summary>DHIS2 period identifiers: 2026W48 (ISO week, unpadded), 202611, 2026Q4, 2026.</summary>
    public static string Dhis2Period(ReportPeriod period) => period.Grain switch
    {
        PeriodGrain.Week => $"{period.Code[..4]}W{int.Parse(period.Code[6..], CultureInfo.InvariantCulture)}",
        PeriodGrain.Month => period.Code.Replace("-", "", StringComparison.Ordinal),
        PeriodGrain.Quarter => period.Code.Replace("-", "", StringComparison.Ordinal),
        _ => period.Code,
    };

    /// <summary>IHE ADX: one group per org unit, period and data set; a dataValue per value with its disaggregation as attributes.</summary>
    public static string WriteAdx(Dhis2Export export)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 }))
        {
            xml.WriteStartElement("adx", AdxNamespace);
            xml.WriteAttributeString("exported", export.Exported.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            foreach (var group in Groups(export))
            {
                xml.WriteStartElement("group", AdxNamespace);
                xml.WriteAttributeString("orgUnit", group.Key.OrgUnit);
                xml.WriteAttributeString("period", AdxPeriod(group.Key.Period));
                xml.WriteAttributeString("dataSet", export.Mapping.DataSet);
                foreach (var value in group)
                {
                    xml.WriteStartElement("dataValue", AdxNamespace);
                    xml.WriteAttributeString("dataElement", value.DataElement);
                    foreach (var (category, option) in value.Disaggregation)
                    {
                        xml.WriteAttributeString(category, option);
                    }

                    xml.WriteAttributeString("value", value.Value.ToString(CultureInfo.InvariantCulture));
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        // StringBuilder output declares UTF-16; the document is served as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    /// <summary>DHIS2 dataValueSets JSON: every value with its own period and org unit, identifiers in the mapping's idScheme.</summary>
    public static string WriteDataValueSets(Dhis2Export export)
    {
        var document = new
        {
            idScheme = export.Mapping.IdScheme,
            dataSet = export.Mapping.DataSet,
            dataValues = Groups(export).SelectMany(g => g).Select(v => new
            {
                dataElement = v.DataElement,
                period = Dhis2Period(v.Period),
                orgUnit = v.OrgUnit,
                categoryOptionCombo = v.CategoryOptionCombo,
                attributeOptionCombo = export.Mapping.AttributeOptionCombo,
                value = v.Value.ToString(CultureInfo.InvariantCulture), // DHIS2 carries values as strings
            }),
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    private static IEnumerable<IGrouping<(string OrgUnit, ReportPeriod Period), Dhis2DataValue>> Groups(Dhis2Export export) =>
        export.Values.GroupBy(v => (v.OrgUnit, v.Period)).OrderBy(g => g.Key.Period.Start).ThenBy(g => g.Key.Period.Grain).ThenBy(g => g.Key.OrgUnit, StringComparer.Ordinal);

    private static string? OrgUnit(ReportCell cell, Dhis2Mapping mapping, IReadOnlyDictionary<string, string?> facilityCodes, ISet<string> missing)
    {
        if (cell.Hospital != ReportTables.Total)
        {
            if (facilityCodes.GetValueOrDefault(cell.Hospital) is { Length: > 0 } code)
            {
                return code;
            }

            missing.Add($"Hospital '{cell.Hospital}' has no facility code (tenant add ... --facility-code).");
            return null;
        }

        if (cell.Province != ReportTables.Total)
        {
            if (mapping.ProvinceOrgUnits.TryGetValue(cell.Province, out var unit))
            {
                return unit;
            }

            missing.Add($"Province '{cell.Province}' has no org unit in the mapping (provinceOrgUnits).");
            return null;
        }

        return mapping.NationalOrgUnit;
    }

    private static ReportDimension Dimension(string name) =>
        Enum.GetValues<ReportDimension>().First(d => ReportTables.Name(d) == name);
}
