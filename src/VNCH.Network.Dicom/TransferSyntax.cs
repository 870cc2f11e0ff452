namespace VNCH.Network.Dicom;

/// <summary>A DICOM transfer syntax (PS3.5 §10, PS3.6 Annex A) and how its data set is encoded.</summary>
public sealed class TransferSyntax
{
    private static readonly Dictionary<string, TransferSyntax> ByUid = new(StringComparer.Ordinal);

    public static readonly TransferSyntax ImplicitVRLittleEndian = Add("1.2.840.10008.1.2", "Implicit VR Little Endian", implicitVR: true);
    public static readonly TransferSyntax ExplicitVRLittleEndian = Add("1.2.840.10008.1.2.1", "Explicit VR Little Endian");
    public static readonly TransferSyntax EncapsulatedUncompressedExplicitVRLittleEndian = Add("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", encapsulated: true);
    public static readonly TransferSyntax DeflatedExplicitVRLittleEndian = Add("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", deflated: true);
    public static readonly TransferSyntax ExplicitVRBigEndian = Add("1.2.840.10008.1.2.2", "Explicit VR Big Endian (Retired)", bigEndian: true);
    public static readonly TransferSyntax JpegBaseline = Add("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", encapsulated: true, lossy: true);
    public static readonly TransferSyntax JpegExtended = Add("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", encapsulated: true, lossy: true);
    public static readonly TransferSyntax JpegLosslessNonHierarchical = Add("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", encapsulated: true);
    public static readonly TransferSyntax JpegLossless = Add("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", encapsulated: true);
    public static readonly TransferSyntax JpegLsLossless = Add("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", encapsulated: true);
    public static readonly TransferSyntax JpegLsNearLossless = Add("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Jpeg2000Lossless = Add("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", encapsulated: true);
    public static readonly TransferSyntax Jpeg2000 = Add("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Jpeg2000Part2MultiComponentLossless = Add("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)", encapsulated: true);
    public static readonly TransferSyntax Jpeg2000Part2MultiComponent = Add("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", encapsulated: true, lossy: true);
    public static readonly TransferSyntax JpipReferenced = Add("1.2.840.10008.1.2.4.94", "JPIP Referenced");
    public static readonly TransferSyntax JpipReferencedDeflate = Add("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", deflated: true);
    public static readonly TransferSyntax Mpeg2MainProfile = Add("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg2MainProfileFragmentable = Add("1.2.840.10008.1.2.4.100.1", "Fragmentable MPEG2 Main Profile / Main Level", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg2HighProfile = Add("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg2HighProfileFragmentable = Add("1.2.840.10008.1.2.4.101.1", "Fragmentable MPEG2 Main Profile / High Level", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4HighProfile = Add("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4HighProfileFragmentable = Add("1.2.840.10008.1.2.4.102.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.1", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4BdCompatible = Add("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4BdCompatibleFragmentable = Add("1.2.840.10008.1.2.4.103.1", "Fragmentable MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4HighProfile2D = Add("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4HighProfile2DFragmentable = Add("1.2.840.10008.1.2.4.104.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4HighProfile3D = Add("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4HighProfile3DFragmentable = Add("1.2.840.10008.1.2.4.105.1", "Fragmentable MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4StereoHighProfile = Add("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Mpeg4StereoHighProfileFragmentable = Add("1.2.840.10008.1.2.4.106.1", "Fragmentable MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Hevc = Add("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", encapsulated: true, lossy: true);
    public static readonly TransferSyntax Hevc10 = Add("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", encapsulated: true, lossy: true);
    public static readonly TransferSyntax HighThroughputJpeg2000Lossless = Add("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", encapsulated: true);
    public static readonly TransferSyntax HighThroughputJpeg2000RpclLossless = Add("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", encapsulated: true);
    public static readonly TransferSyntax HighThroughputJpeg2000 = Add("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", encapsulated: true, lossy: true);
    public static readonly TransferSyntax JpipHtj2kReferenced = Add("1.2.840.10008.1.2.4.204", "JPIP HTJ2K Referenced");
    public static readonly TransferSyntax JpipHtj2kReferencedDeflate = Add("1.2.840.10008.1.2.4.205", "JPIP HTJ2K Referenced Deflate", deflated: true);
    public static readonly TransferSyntax RleLossless = Add("1.2.840.10008.1.2.5", "RLE Lossless", encapsulated: true);
    public static readonly TransferSyntax SmpteSt2110_20Uncompressed = Add("1.2.840.10008.1.2.7.1", "SMPTE ST 2110-20 Uncompressed Progressive Active Video", encapsulated: true);
    public static readonly TransferSyntax SmpteSt2110_20Interlaced = Add("1.2.840.10008.1.2.7.2", "SMPTE ST 2110-20 Uncompressed Interlaced Active Video", encapsulated: true);
    public static readonly TransferSyntax SmpteSt2110_30 = Add("1.2.840.10008.1.2.7.3", "SMPTE ST 2110-30 PCM Digital Audio", encapsulated: true);
    public static readonly TransferSyntax Papyrus3ImplicitVRLittleEndian = Add("1.2.840.10008.1.20", "Papyrus 3 Implicit VR Little Endian (Retired)", implicitVR: true);

    private TransferSyntax(string uid, string name, bool implicitVR, bool bigEndian, bool deflated, bool encapsulated, bool lossy)
    {
        Uid = uid;
        Name = name;
        IsImplicitVR = implicitVR;
        IsBigEndian = bigEndian;
        IsDeflated = deflated;
        IsEncapsulated = encapsulated;
        IsLossy = lossy;
        IsKnown = true;
    }

    public string Uid { get; }

    public string Name { get; }

    public bool IsImplicitVR { get; }

    public bool IsExplicitVR => !IsImplicitVR;

    public bool IsBigEndian { get; }

    public bool IsLittleEndian => !IsBigEndian;

    /// <summary>The data set after the file meta group is a raw deflate stream (RFC 1951).</summary>
    public bool IsDeflated { get; }

    /// <summary>Pixel data is a sequence of fragments (compressed or encapsulated).</summary>
    public bool IsEncapsulated { get; }

    public bool IsLossy { get; }

    /// <summary>False for a UID we do not know; such syntaxes are read as explicit VR little endian.</summary>
    public bool IsKnown { get; private init; }

    public static IReadOnlyCollection<TransferSyntax> All => ByUid.Values;

    /// <summary>The transfer syntax for a UID; unknown UIDs give an explicit VR little endian stand-in with IsKnown false.</summary>
    public static TransferSyntax FromUid(string uid)
    {
        var key = uid.Trim().TrimEnd('\0').Trim();
        return ByUid.TryGetValue(key, out var ts)
            ? ts
            : new TransferSyntax(key, $"Unknown ({key})", false, false, false, true, false) { IsKnown = false };
    }

    public static bool TryGetKnown(string uid, out TransferSyntax transferSyntax)
    {
        if (ByUid.TryGetValue(uid.Trim().TrimEnd('\0').Trim(), out var ts))
        {
            transferSyntax = ts;
            return true;
        }

        transferSyntax = ExplicitVRLittleEndian;
        return false;
    }

    public override string ToString() => $"{Name} [{Uid}]";

    private static TransferSyntax Add(string uid, string name, bool implicitVR = false, bool bigEndian = false,
        bool deflated = false, bool encapsulated = false, bool lossy = false)
    {
        var ts = new TransferSyntax(uid, name, implicitVR, bigEndian, deflated, encapsulated, lossy);
        ByUid.Add(uid, ts);
        return ts;
    }
}
