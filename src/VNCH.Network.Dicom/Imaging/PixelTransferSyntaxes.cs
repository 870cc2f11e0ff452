using VNCH.Network.Dicom.Imaging.Codecs;

namespace VNCH.Network.Dicom.Imaging;

/// <summary>Which transfer syntaxes the pixel pipeline decodes (docs/dicom-pixels.md has the same table).</summary>
public static class PixelTransferSyntaxes
{
    private static readonly Dictionary<string, CodecFamily> Decodable = new()
    {
        ["1.2.840.10008.1.2"] = CodecFamily.Native,
        ["1.2.840.10008.1.2.1"] = CodecFamily.Native,
        ["1.2.840.10008.1.2.1.99"] = CodecFamily.Native, // the reader inflates the data set
        ["1.2.840.10008.1.2.2"] = CodecFamily.Native,
        ["1.2.840.10008.1.2.5"] = CodecFamily.Rle,
        ["1.2.840.10008.1.2.8.1"] = CodecFamily.Deflate,
        ["1.2.840.10008.1.2.4.50"] = CodecFamily.Jpeg,
        ["1.2.840.10008.1.2.4.51"] = CodecFamily.Jpeg,
        ["1.2.840.10008.1.2.4.57"] = CodecFamily.Jpeg,
        ["1.2.840.10008.1.2.4.70"] = CodecFamily.Jpeg,
    };

    // Syntaxes newer than the reader's table (PS3.6 2024+); the reader's TransferSyntax names everything else.
    private static readonly Dictionary<string, string> NamesMissingFromReader = new()
    {
        ["1.2.840.10008.1.2.8.1"] = "Deflated Image Frame Compression",
        ["1.2.840.10008.1.2.4.110"] = "JPEG XL Lossless",
        ["1.2.840.10008.1.2.4.111"] = "JPEG XL JPEG Recompression",
        ["1.2.840.10008.1.2.4.112"] = "JPEG XL",
    };

    public static string NameOf(string uid)
    {
        ArgumentNullException.ThrowIfNull(uid);
        if (TransferSyntax.TryGetKnown(uid, out var known))
        {
            return known.Name;
        }

        return NamesMissingFromReader.TryGetValue(uid, out var name) ? name : "unknown transfer syntax";
    }

    /// <summary>True when frames of this transfer syntax can be decoded here.</summary>
    public static bool IsDecodable(string uid) => Family(uid) is not CodecFamily.Unsupported;

    internal static CodecFamily Family(string uid) => Decodable.TryGetValue(uid, out var family) ? family : CodecFamily.Unsupported;

    /// <summary>The exception ingestion records for a syntax we cannot decode: "unsupported transfer syntax UID (name)".</summary>
    public static UnsupportedTransferSyntaxException Unsupported(string uid) =>
        new(uid, $"unsupported transfer syntax {uid} ({NameOf(uid)})");
}
