using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using Microsoft.Extensions.Options;

namespace VNCH.Network.Core.Features.Reporting.Exports;

/// <summary>Where the DHIS2 code mapping comes from (section <c>Vnch:Reporting:Dhis2</c>), validated at start.</summary>
public sealed class Dhis2ExportOptions
{
    public const string Section = "Vnch:Reporting:Dhis2";

    /// <summary>A mapping JSON file (docs/reporting.md); unset: the built-in mapping shipped with the service.</summary>
    public string? MappingFile { get; set; }
}

/// <summary>One DHIS2 category: which report dimension it disaggregates and the option code of each dimension value.</summary>
public sealed record Dhis2Category
{
    /// <summary>ageBand, sex, kind, modality, outcome or category.</summary>
    public required string Dimension { get; init; }

    /// <summary>Report value (e.g. <c>0-27d</c>) → DHIS2 category option code (e.g. <c>P0D--P28D</c>).</summary>
    public required IReadOnlyDictionary<string, string> Options { get; init; }
}

/// <summary>One DHIS2 data element: a measure (studies or children) of a table, disaggregated by the listed categories.</summary>
public sealed record Dhis2DataElement
{
    /// <summary>The data element's code or uid (per <see cref="Dhis2Mapping.IdScheme"/>).</summary>
    public required string Id { get; init; }

    public required string Table { get; init; }

    public required string Measure { get; init; }

    /// <summary>Keys of <see cref="Dhis2Mapping.Categories"/>; empty: the table's total (default category combo).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];
}

/// <summary>
/// The one place that says how report cells become DHIS2 data values: data set, data elements, categories and
/// their options, category option combos, org units. Loaded once, validated at start (a broken mapping stops the
/// service rather than exporting wrong codes).
/// </summary>
public sealed record Dhis2Mapping
{
    public const string StudiesMeasure = "studies";
    public const string ChildrenMeasure = "children";
    public const string DefaultResource = "VNCH.Network.Core.Features.Reporting.Exports.dhis2-mapping.json";

    private static readonly string[] Dimensions = ["kind", "modality", "outcome", "ageBand", "sex", "category"];

    // ADX reserves these attribute names on dataValue; a category code must not collide with them.
    private static readonly string[] AdxReservedAttributes = ["dataElement", "value", "annotation"];

    /// <summary>CODE or UID: what the identifiers below are; DHIS2 imports with the same idScheme.</summary>
    public required string IdScheme { get; init; }

    public required string DataSet { get; init; }

    /// <summary>The category option combo of data elements without disaggregation (DHIS2's "default").</summary>
    public required string DefaultCategoryOptionCombo { get; init; }

    public required string AttributeOptionCombo { get; init; }

    /// <summary>The org unit of national totals; hospitals are their tenant's facility code.</summary>
    public required string NationalOrgUnit { get; init; }

    /// <summary>Province name (as registered with the tenants) → org unit.</summary>
    public IReadOnlyDictionary<string, string> ProvinceOrgUnits { get; init; } = new Dictionary<string, string>();

    /// <summary>Category code (the ADX attribute name) → category.</summary>
    public required IReadOnlyDictionary<string, Dhis2Category> Categories { get; init; }

    public required IReadOnlyList<Dhis2DataElement> DataElements { get; init; }

    /// <summary>Option codes of a combination, sorted ordinally and joined with ',' → category option combo.</summary>
    public required IReadOnlyDictionary<string, string> CategoryOptionCombos { get; init; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static Dhis2Mapping Load(Dhis2ExportOptions options)
    {
        using var stream = options.MappingFile is { Length: > 0 } file
            ? File.OpenRead(file)
            : typeof(Dhis2Mapping).Assembly.GetManifestResourceStream(DefaultResource)
              ?? throw new InvalidOperationException($"The built-in DHIS2 mapping {DefaultResource} is missing from the assembly.");
        return Parse(stream);
    }

    public static Dhis2Mapping Parse(Stream json) =>
        JsonSerializer.Deserialize<Dhis2Mapping>(json, Json) ?? throw new JsonException("The DHIS2 mapping is empty.");

    /// <summary>The category option combo key of a set of option codes.</summary>
    public static string ComboKey(IEnumerable<string> optionCodes) => string.Join(',', optionCodes.Order(StringComparer.Ordinal));

    /// <summary>Everything wrong with the mapping (empty when usable).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (IdScheme is not ("CODE" or "UID"))
        {
            problems.Add($"idScheme must be CODE or UID, not '{IdScheme}'.");
        }

        foreach (var (name, value) in new[] { ("dataSet", DataSet), ("defaultCategoryOptionCombo", DefaultCategoryOptionCombo), ("attributeOptionCombo", AttributeOptionCombo), ("nationalOrgUnit", NationalOrgUnit) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                problems.Add($"{name} is required.");
            }
        }

        problems.AddRange(ProvinceOrgUnits.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => $"Province '{p.Key}' has an empty org unit."));
        foreach (var (code, category) in Categories)
        {
            if (!IsXmlName(code) || AdxReservedAttributes.Contains(code))
            {
                problems.Add($"Category code '{code}' cannot be an ADX attribute name (an XML NCName other than {string.Join(", ", AdxReservedAttributes)}).");
            }

            if (!Dimensions.Contains(category.Dimension))
            {
                problems.Add($"Category '{code}' names dimension '{category.Dimension}'; use one of {string.Join(", ", Dimensions)}.");
            }

            if (category.Options.Count == 0 || category.Options.Values.Any(string.IsNullOrWhiteSpace) || category.Options.Values.Distinct().Count() != category.Options.Count)
            {
                problems.Add($"Category '{code}' needs distinct, non-empty option codes.");
            }

            if (category.Dimension == "ageBand")
            {
                problems.AddRange(AgeBands.All.Select(AgeBands.Code).Where(b => !category.Options.ContainsKey(b)).Select(b => $"Category '{code}' has no option for age band '{b}'."));
            }
        }

        var seen = new HashSet<(string, string, string)>();
        foreach (var element in DataElements)
        {
            var label = $"Data element '{element.Id}'";
            if (string.IsNullOrWhiteSpace(element.Id))
            {
                problems.Add("A data element has no id.");
            }

            if (element.Measure is not (StudiesMeasure or ChildrenMeasure))
            {
                problems.Add($"{label}: measure must be {StudiesMeasure} or {ChildrenMeasure}.");
            }

            if (!new[] { ReportTables.Activity, ReportTables.Modalities, ReportTables.Demography }.Any(t => t.Name == element.Table)
                && !element.Table.StartsWith(ReportTables.FindingsPrefix, StringComparison.Ordinal))
            {
                problems.Add($"{label}: '{element.Table}' is not a published table (activity, modalities, demography, findings:<indicator>).");
            }

            var unknown = element.Categories.Where(c => !Categories.ContainsKey(c)).ToList();
            problems.AddRange(unknown.Select(c => $"{label}: category '{c}' is not defined."));
            var categories = element.Categories.Where(Categories.ContainsKey).Select(c => Categories[c]).ToList();
            var dimensions = categories.Select(c => c.Dimension).ToList();
            if (dimensions.Distinct().Count() != dimensions.Count)
            {
                problems.Add($"{label}: two categories disaggregate the same dimension.");
            }

            if (!seen.Add((element.Table, element.Measure, string.Join(',', dimensions.Order(StringComparer.Ordinal)))))
            {
                problems.Add($"{label}: another data element already carries {element.Measure} of {element.Table} by ({string.Join(", ", dimensions)}).");
            }

            if (unknown.Count == 0 && categories.Count > 0)
            {
                // Every combination the data element can carry must have its category option combo.
                IEnumerable<IEnumerable<string>> combos = [[]];
                foreach (var category in categories)
                {
                    combos = combos.SelectMany(c => category.Options.Values.Select(o => c.Append(o))).ToList();
                }

                problems.AddRange(combos.Select(ComboKey).Where(k => !CategoryOptionCombos.ContainsKey(k)).Select(k => $"{label}: no category option combo for ({k})."));
            }
        }

        return problems.Distinct().ToList();
    }

    private static bool IsXmlName(string name)
    {
        try
        {
            XmlConvert.VerifyNCName(name);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }
}

/// <summary>Loads the mapping at start and refuses to start when it has problems.</summary>
public sealed class Dhis2ExportOptionsValidation : IValidateOptions<Dhis2ExportOptions>
{
    public ValidateOptionsResult Validate(string? name, Dhis2ExportOptions options)
    {
        try
        {
            var problems = Dhis2Mapping.Load(options).Problems();
            return problems.Count == 0
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(problems.Select(p => $"DHIS2 mapping {options.MappingFile ?? "(built-in)"}: {p}"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            return ValidateOptionsResult.Fail($"DHIS2 mapping {options.MappingFile ?? "(built-in)"} cannot be read: {e.Message}");
        }
    }
}
