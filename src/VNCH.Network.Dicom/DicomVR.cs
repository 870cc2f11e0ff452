namespace VNCH.Network.Dicom;

/// <summary>DICOM value representations (PS3.5 6.2). The numeric values are used by the generated dictionary.</summary>
public enum DicomVR : byte
{
    None = 0,
    AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV,
    OW, PN, SH, SL, SQ, SS, ST, SV, TM, UC, UI, UL, UN, UR, US, UT, UV,
}

public static class DicomVRInfo
{
    /// <summary>Parses the two-character code in an explicit VR header; None if it is not a VR.</summary>
    public static DicomVR FromCode(byte first, byte second) => ((first << 8) | second) switch
    {
        0x4145 => DicomVR.AE, 0x4153 => DicomVR.AS, 0x4154 => DicomVR.AT, 0x4353 => DicomVR.CS,
        0x4441 => DicomVR.DA, 0x4453 => DicomVR.DS, 0x4454 => DicomVR.DT, 0x4644 => DicomVR.FD,
        0x464C => DicomVR.FL, 0x4953 => DicomVR.IS, 0x4C4F => DicomVR.LO, 0x4C54 => DicomVR.LT,
        0x4F42 => DicomVR.OB, 0x4F44 => DicomVR.OD, 0x4F46 => DicomVR.OF, 0x4F4C => DicomVR.OL,
        0x4F56 => DicomVR.OV, 0x4F57 => DicomVR.OW, 0x504E => DicomVR.PN, 0x5348 => DicomVR.SH,
        0x534C => DicomVR.SL, 0x5351 => DicomVR.SQ, 0x5353 => DicomVR.SS, 0x5354 => DicomVR.ST,
        0x5356 => DicomVR.SV, 0x544D => DicomVR.TM, 0x5543 => DicomVR.UC, 0x5549 => DicomVR.UI,
        0x554C => DicomVR.UL, 0x554E => DicomVR.UN, 0x5552 => DicomVR.UR, 0x5553 => DicomVR.US,
        0x5554 => DicomVR.UT, 0x5556 => DicomVR.UV,
        _ => DicomVR.None,
    };

    /// <summary>Explicit VR encodings with a 2-byte reserved field and a 4-byte length (PS3.5 7.1.2).</summary>
    public static bool HasLongLength(DicomVR vr) => vr is DicomVR.OB or DicomVR.OD or DicomVR.OF or DicomVR.OL
        or DicomVR.OV or DicomVR.OW or DicomVR.SQ or DicomVR.SV or DicomVR.UC or DicomVR.UN or DicomVR.UR
        or DicomVR.UT or DicomVR.UV;

    /// <summary>Character-string VRs whose bytes go through SpecificCharacterSet.</summary>
    public static bool IsEncodedText(DicomVR vr) => vr is DicomVR.SH or DicomVR.LO or DicomVR.ST or DicomVR.LT
        or DicomVR.UC or DicomVR.UT or DicomVR.PN;

    /// <summary>All string VRs (text, dates, numbers as text, UIDs).</summary>
    public static bool IsString(DicomVR vr) => vr is DicomVR.AE or DicomVR.AS or DicomVR.CS or DicomVR.DA
        or DicomVR.DS or DicomVR.DT or DicomVR.IS or DicomVR.LO or DicomVR.LT or DicomVR.PN or DicomVR.SH
        or DicomVR.ST or DicomVR.TM or DicomVR.UC or DicomVR.UI or DicomVR.UR or DicomVR.UT;

    /// <summary>String VRs holding a single value (backslash is not a delimiter).</summary>
    public static bool IsSingleValuedText(DicomVR vr) => vr is DicomVR.LT or DicomVR.ST or DicomVR.UT or DicomVR.UR;

    /// <summary>Size of one binary number, or 0 if the VR is not a fixed-size binary number.</summary>
    public static int BinaryItemSize(DicomVR vr) => vr switch
    {
        DicomVR.US or DicomVR.SS or DicomVR.OW => 2,
        DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.OF or DicomVR.OL or DicomVR.AT => 4,
        DicomVR.FD or DicomVR.OD or DicomVR.SV or DicomVR.UV or DicomVR.OV => 8,
        _ => 0,
    };

    /// <summary>Byte used to pad odd-length values: space for strings, NUL for UI and binary.</summary>
    public static byte PaddingByte(DicomVR vr) => IsString(vr) && vr != DicomVR.UI ? (byte)' ' : (byte)0;
}
