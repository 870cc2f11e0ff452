using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace VNCH.Network.Dicom;

/// <summary>Encodes .NET values into DICOM value bytes (little endian), shared by the builder and the writer.</summary>
internal static class DicomValueEncoder
{
    public static byte[] EncodeStrings(DicomVR vr, IReadOnlyList<string> values, Encoding encoding)
    {
        var text = DicomVRInfo.IsSingleValuedText(vr) ? string.Concat(values) : string.Join('\\', values);
        return DicomVRInfo.IsEncodedText(vr) ? encoding.GetBytes(text) : Encoding.ASCII.GetBytes(text);
    }

    public static byte[] EncodeNumbers(DicomTag tag, DicomVR vr, IReadOnlyList<double> values)
    {
        switch (vr)
        {
            case DicomVR.DS:
                return Encoding.ASCII.GetBytes(string.Join('\\', values.Select(FormatDecimalString)));
            case DicomVR.IS:
                return Encoding.ASCII.GetBytes(string.Join('\\', values.Select(v => ((long)Math.Round(v)).ToString(CultureInfo.InvariantCulture))));
        }

        var size = DicomVRInfo.BinaryItemSize(vr);
        if (size == 0 || vr == DicomVR.AT)
        {
            throw new DicomException($"Element {tag} has VR {vr}, which does not hold numbers.");
        }

        var bytes = new byte[values.Count * size];
        for (var i = 0; i < values.Count; i++)
        {
            var span = bytes.AsSpan(i * size, size);
            var v = values[i];
            switch (vr)
            {
                case DicomVR.US or DicomVR.OW: BinaryPrimitives.WriteUInt16LittleEndian(span, checked((ushort)v)); break;
                case DicomVR.SS: BinaryPrimitives.WriteInt16LittleEndian(span, checked((short)v)); break;
                case DicomVR.UL or DicomVR.OL: BinaryPrimitives.WriteUInt32LittleEndian(span, checked((uint)v)); break;
                case DicomVR.SL: BinaryPrimitives.WriteInt32LittleEndian(span, checked((int)v)); break;
                case DicomVR.FL or DicomVR.OF: BinaryPrimitives.WriteSingleLittleEndian(span, (float)v); break;
                case DicomVR.FD or DicomVR.OD: BinaryPrimitives.WriteDoubleLittleEndian(span, v); break;
                case DicomVR.SV: BinaryPrimitives.WriteInt64LittleEndian(span, checked((long)v)); break;
                default: BinaryPrimitives.WriteUInt64LittleEndian(span, checked((ulong)v)); break;
            }
        }

        return bytes;
    }

    /// <summary>DS is at most 16 characters: shortest round-trip form, else fewer significant digits.</summary>
    public static string FormatDecimalString(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new DicomException($"DS cannot hold {value}.");
        }

        var s = value.ToString("R", CultureInfo.InvariantCulture);
        for (var digits = 15; s.Length > 16 && digits > 0; digits--)
        {
            s = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        }

        return s;
    }

    public static byte[] EncodeTags(IReadOnlyList<DicomTag> tags)
    {
        var bytes = new byte[tags.Count * 4];
        for (var i = 0; i < tags.Count; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 4), tags[i].Group);
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 4 + 2), tags[i].Element);
        }

        return bytes;
    }

    /// <summary>Byte-swaps binary values from big endian to little endian (a copy).</summary>
    public static ReadOnlyMemory<byte> ToLittleEndian(DicomVR vr, ReadOnlyMemory<byte> raw)
    {
        var size = vr == DicomVR.AT ? 2 : DicomVRInfo.BinaryItemSize(vr);
        if (size <= 1)
        {
            return raw;
        }

        var copy = raw.ToArray();
        for (var i = 0; i + size <= copy.Length; i += size)
        {
            copy.AsSpan(i, size).Reverse();
        }

        return copy;
    }
}
