using VNCH.Network.Dicom.Imaging.Codecs;

namespace VNCH.Network.Dicom.Imaging;

/// <summary>What the pixel pipeline does with each transfer syntax (docs/dicom-pixels.md has the same table).</summary>
public static class PixelTransferSyntaxes
{
    private static readonly Dictionary<string, (string Name, CodecFamily Family)> Known = new()
    {
        ["1.2.840.10008.1.2"] = ("Implicit VR Little Endian", CodecFamily.Native),
        ["1.2.840.10008.1.2.1"] = ("Explicit VR Little Endian", CodecFamily.Native),
        ["1.2.840.10008.1.2.1.98"] = ("Encapsulated Uncompressed Explicit VR Little Endian", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.1.99"] = ("Deflated Explicit VR Little Endian", CodecFamily.Native),
        ["1.2.840.10008.1.2.2"] = ("Explicit VR Big Endian", CodecFamily.Native),
        ["1.2.840.10008.1.2.5"] = ("RLE Lossless", CodecFamily.Rle),
        ["1.2.840.10008.1.2.8.1"] = ("Deflated Image Frame Compression", CodecFamily.Deflate),
        ["1.2.840.10008.1.2.4.50"] = ("JPEG Baseline (Process 1)", CodecFamily.Jpeg),
        ["1.2.840.10008.1.2.4.51"] = ("JPEG Extended (Process 2 & 4)", CodecFamily.Jpeg),
        ["1.2.840.10008.1.2.4.57"] = ("JPEG Lossless, Non-Hierarchical (Process 14)", CodecFamily.Jpeg),
        ["1.2.840.10008.1.2.4.70"] = ("JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", CodecFamily.Jpeg),
        ["1.2.840.10008.1.2.4.80"] = ("JPEG-LS Lossless Image Compression", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.81"] = ("JPEG-LS Lossy (Near-Lossless) Image Compression", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.90"] = ("JPEG 2000 Image Compression (Lossless Only)", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.91"] = ("JPEG 2000 Image Compression", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.92"] = ("JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.93"] = ("JPEG 2000 Part 2 Multi-component Image Compression", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.94"] = ("JPIP Referenced", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.95"] = ("JPIP Referenced Deflate", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.100"] = ("MPEG2 Main Profile / Main Level", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.101"] = ("MPEG2 Main Profile / High Level", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.102"] = ("MPEG-4 AVC/H.264 High Profile / Level 4.1", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.103"] = ("MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.104"] = ("MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.105"] = ("MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.106"] = ("MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.107"] = ("HEVC/H.265 Main Profile / Level 5.1", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.108"] = ("HEVC/H.265 Main 10 Profile / Level 5.1", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.110"] = ("JPEG XL Lossless", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.111"] = ("JPEG XL JPEG Recompression", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.112"] = ("JPEG XL", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.201"] = ("High-Throughput JPEG 2000 Image Compression (Lossless Only)", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.202"] = ("High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.203"] = ("High-Throughput JPEG 2000 Image Compression", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.204"] = ("JPIP HTJ2K Referenced", CodecFamily.Unsupported),
        ["1.2.840.10008.1.2.4.205"] = ("JPIP HTJ2K Referenced Deflate", CodecFamily.Unsupported),
    };

    public static string NameOf(string uid) => Known.TryGetValue(uid, out var entry) ? entry.Name : "unknown transfer syntax";

    /// <summary>True when frames of this transfer syntax can be decoded here.</summary>
    public static bool IsDecodable(string uid) => Family(uid) is not CodecFamily.Unsupported;

    internal static CodecFamily Family(string uid) => Known.TryGetValue(uid, out var entry) ? entry.Family : CodecFamily.Unsupported;

    /// <summary>The exception ingestion records for a syntax we cannot decode: "unsupported transfer syntax UID (name)".</summary>
    public static UnsupportedTransferSyntaxException Unsupported(string uid) =>
        new(uid, $"unsupported transfer syntax {uid} ({NameOf(uid)})");
}
