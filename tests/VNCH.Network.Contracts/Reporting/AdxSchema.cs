using System.Xml;
using System.Xml.Schema;

namespace VNCH.Network.Contracts.Reporting;

/// <summary>Validates ADX XML against the IHE ADX base structure (adx.xsd next to this file, embedded).</summary>
public static class AdxSchema
{
    private static readonly Lazy<XmlSchemaSet> Schemas = new(() =>
    {
        using var stream = typeof(AdxSchema).Assembly.GetManifestResourceStream("VNCH.Network.Contracts.Reporting.adx.xsd")
            ?? throw new InvalidOperationException("adx.xsd is not embedded.");
        var set = new XmlSchemaSet();
        set.Add(XmlSchema.Read(stream, null)!);
        set.Compile();
        return set;
    });

    /// <summary>Schema errors and warnings (empty when valid).</summary>
    public static IReadOnlyList<string> Errors(string xml)
    {
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = Schemas.Value, ValidationFlags = XmlSchemaValidationFlags.ReportValidationWarnings };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity} line {e.Exception.LineNumber}: {e.Message}");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }

        return errors;
    }
}
