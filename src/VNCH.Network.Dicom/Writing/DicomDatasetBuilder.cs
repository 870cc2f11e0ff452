using System.Globalization;
using System.Text;

namespace VNCH.Network.Dicom;

/// <summary>
/// Fluent building of data sets: <c>new DicomDataset().Add(DicomTags.PatientName, "Nguyễn^Thị Ánh").Add(DicomTags.Rows, 512)</c>.
/// The VR comes from the PS3.6 dictionary unless given. Text that is not ASCII switches the data set to
/// ISO_IR 192 (UTF-8), re-encoding text already present so nothing is lost.
/// </summary>
public sealed partial class DicomDataset
{
    /// <summary>Adds or replaces a string element (several values are joined with '\').</summary>
    public DicomDataset Add(DicomTag tag, params string[] values) => Add(tag, VROf(tag), values);

    public DicomDataset Add(DicomTag tag, DicomVR vr, params string[] values)
    {
        if (vr is DicomVR.US or DicomVR.SS or DicomVR.UL or DicomVR.SL or DicomVR.FL or DicomVR.FD or DicomVR.SV or DicomVR.UV)
        {
            return Add(tag, vr, values.Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        }

        if (!DicomVRInfo.IsString(vr))
        {
            throw new DicomException($"Element {tag} has VR {vr}; a string value needs a string VR.");
        }

        if (DicomVRInfo.IsEncodedText(vr) && values.Any(v => v.Any(c => c > 0x7F)))
        {
            EnsureUtf8();
        }

        var encoding = DicomVRInfo.IsEncodedText(vr) ? CharacterSet.Encodings[0] : Encoding.ASCII;
        SetBuilt(tag, vr, DicomValueEncoder.EncodeStrings(vr, values, encoding));
        if (tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }

        return this;
    }

    public DicomDataset Add(DicomTag tag, params int[] values) => Add(tag, VROf(tag), values.Select(v => (double)v).ToArray());

    public DicomDataset Add(DicomTag tag, params double[] values) => Add(tag, VROf(tag), values);

    public DicomDataset Add(DicomTag tag, DicomVR vr, params double[] values)
    {
        SetBuilt(tag, vr, DicomValueEncoder.EncodeNumbers(tag, vr, values));
        return this;
    }

    public DicomDataset Add(DicomTag tag, DateOnly date) =>
        Add(tag, DicomVR.DA, date.ToString("yyyyMMdd", CultureInfo.InvariantCulture));

    public DicomDataset Add(DicomTag tag, TimeOnly time) =>
        Add(tag, DicomVR.TM, time.ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "HHmmss" : "HHmmss.ffffff", CultureInfo.InvariantCulture));

    public DicomDataset Add(DicomTag tag, DateTime dateTime) =>
        Add(tag, DicomVR.DT, dateTime.ToString(dateTime.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyyMMddHHmmss" : "yyyyMMddHHmmss.ffffff", CultureInfo.InvariantCulture));

    public DicomDataset Add(DicomTag tag, DicomAge age) => Add(tag, DicomVR.AS, age.ToString());

    public DicomDataset Add(DicomTag tag, params DicomTag[] tags)
    {
        SetBuilt(tag, DicomVR.AT, DicomValueEncoder.EncodeTags(tags));
        return this;
    }

    /// <summary>Adds raw value bytes in little endian order (OB, OW, UN, or any VR encoded by the caller).</summary>
    public DicomDataset Add(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value)
    {
        if (IsBigEndian)
        {
            throw new DicomException("Raw values can only be added to little-endian data sets.");
        }

        SetBuilt(tag, vr, value);
        return this;
    }

    /// <summary>Adds a sequence; the items become children of this data set (and inherit its character set).</summary>
    public DicomDataset AddSequence(DicomTag tag, params DicomDataset[] items)
    {
        var list = new List<DicomDataset>(items.Length);
        foreach (var item in items)
        {
            if (item.IsBigEndian != IsBigEndian)
            {
                throw new DicomException("Sequence items must have the byte order of the data set.");
            }

            item.Parent = this;
            item._characterSet = null;
            list.Add(item);
        }

        Set(new DicomElement(tag, DicomVR.SQ, DicomVR.None, DicomElement.UndefinedLength, -1, ReadOnlyMemory<byte>.Empty, list));
        return this;
    }

    /// <summary>
    /// Adds encapsulated pixel data (PS3.5 A.4): an offset table item (empty unless given) and the fragments,
    /// each fragment padded to even length when written. Use with an encapsulated transfer syntax.
    /// </summary>
    public DicomDataset AddEncapsulatedPixelData(IEnumerable<ReadOnlyMemory<byte>> fragments, IReadOnlyList<uint>? basicOffsetTable = null)
    {
        var table = new byte[(basicOffsetTable?.Count ?? 0) * 4];
        for (var i = 0; i < table.Length / 4; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 4), basicOffsetTable![i]);
        }

        var items = fragments.Select(f => new DicomFragment(-1, (uint)f.Length, f, true)).ToList();
        var encapsulated = new DicomFragments(new DicomFragment(-1, (uint)table.Length, table, true), items);
        Set(new DicomElement(DicomTags.PixelData, DicomVR.OB, DicomVR.None, DicomElement.UndefinedLength, -1, ReadOnlyMemory<byte>.Empty, encapsulated));
        return this;
    }

    /// <summary>Copies an element (value, sequence items or fragments) from another data set of the same byte order.</summary>
    public DicomDataset Add(in DicomElement element)
    {
        Set(element);
        return this;
    }

    /// <summary>An element made in memory: no file VR, no source offset, length = value bytes.</summary>
    private void SetBuilt(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> value) =>
        Set(new DicomElement(tag, vr, DicomVR.None, (uint)value.Length, -1, value));

    private static DicomVR VROf(DicomTag tag)
    {
        var vr = DicomDictionary.GetVR(tag);
        return vr == DicomVR.None ? DicomVR.UN : vr;
    }

    /// <summary>Switches this data set to UTF-8, re-encoding its text (and that of items without their own character set).</summary>
    private void EnsureUtf8()
    {
        if (CharacterSet.IsUtf8)
        {
            return;
        }

        var stack = new Stack<DicomDataset>();
        stack.Push(this);
        var utf8 = DicomCharacterSet.Utf8Set.Encodings[0];
        while (stack.Count > 0)
        {
            var ds = stack.Pop();
            var charset = ds.CharacterSet;
            for (var i = 0; i < ds._count; i++)
            {
                ref var e = ref ds._elements[i];
                if (DicomVRInfo.IsEncodedText(e.VR) && !e.RawValue.IsEmpty)
                {
                    var values = e.VR == DicomVR.PN
                        ? ds.GetPersonNames(e).Select(p => p.Original).ToArray()
                        : ds.GetStrings(e);
                    var encoded = DicomValueEncoder.EncodeStrings(e.VR, values, utf8);
                    e = new DicomElement(e.Tag, e.VR, DicomVR.None, (uint)encoded.Length, -1, encoded);
                }
                else if (e.Items is { } items)
                {
                    foreach (var item in items)
                    {
                        if (!item.Contains(DicomTags.SpecificCharacterSet))
                        {
                            stack.Push(item);
                        }
                    }
                }
            }
        }

        SetBuilt(DicomTags.SpecificCharacterSet, DicomVR.CS, Encoding.ASCII.GetBytes("ISO_IR 192"));
        ClearCharacterSetCache();
    }

    private void ClearCharacterSetCache()
    {
        var stack = new Stack<DicomDataset>();
        stack.Push(this);
        while (stack.Count > 0)
        {
            var ds = stack.Pop();
            ds._characterSet = null;
            for (var i = 0; i < ds._count; i++)
            {
                if (ds._elements[i].Items is { } items)
                {
                    foreach (var item in items)
                    {
                        stack.Push(item);
                    }
                }
            }
        }
    }
}
