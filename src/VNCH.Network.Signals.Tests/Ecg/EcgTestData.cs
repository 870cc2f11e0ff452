using System.Globalization;
using VNCH.Network.Signals.Ecg;
using VNCH.Network.Signals.Ecg.Wfdb;
using VNCH.Network.Testing;

namespace VNCH.Network.Signals.Tests.Ecg;

/// <summary>Opens the shared ECG test data (read-only, never copied into the repository).</summary>
internal static class EcgTestData
{
    public const string WfdbFolder = "ecg/wfdb-python";

    private static readonly Lazy<WfdbRecord> Mitdb100 = new(() => ReadWfdb("100"));

    public static WfdbRecord MitBih100 => Mitdb100.Value;

    public static WfdbRecord ReadWfdb(string record)
    {
        var folder = TestData.Directory(WfdbFolder);
        var header = WfdbHeader.Parse(File.ReadAllText(Path.Combine(folder, record + ".hea")));
        return WfdbRecordReader.Read(header, name => File.OpenRead(Path.Combine(folder, name)));
    }

    public static IReadOnlyList<WfdbAnnotation> ReadAnnotations(string record, string extension = "atr")
    {
        using var stream = File.OpenRead(TestData.File($"{WfdbFolder}/{record}.{extension}"));
        return WfdbAnnotationReader.Read(stream);
    }

    /// <summary>Rows of a derived CSV (header skipped), split on commas.</summary>
    public static IEnumerable<string[]> Csv(string relativePath) =>
        File.ReadLines(TestData.File(relativePath)).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(','));

    public static double Number(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
}
