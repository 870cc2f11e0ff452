namespace VNCH.Network.Dicom;

/// <summary>Pixel data at the root: native (one value) or encapsulated (fragments, PS3.5 A.4), per <see cref="PixelDataMode"/>.</summary>
internal sealed partial class DatasetParser
{
    private static bool IsPixelDataTag(uint tag) => tag is 0x7FE00010 or 0x7FE00008 or 0x7FE00009;

    private bool ReadNativePixelData(DicomDataset ds, DicomTag tag, DicomVR vr, DicomVR fileVR, uint length, long valueOffset, long remaining)
    {
        var present = (long)length;
        if (length > remaining)
        {
            if (length <= _src.Remaining)
            {
                throw new DicomFormatException($"Pixel data length {length} exceeds the {remaining} bytes left", tag, valueOffset);
            }

            present = TruncatedLength(tag, valueOffset, length, "pixel data");
        }

        DicomElement element;
        var stop = false;
        if (_options.PixelDataMode == PixelDataMode.Skip)
        {
            element = new DicomElement(tag, vr, fileVR, length, valueOffset, ReadOnlyMemory<byte>.Empty, valueLoaded: false);
            stop = true;
        }
        else if (_options.PixelDataMode == PixelDataMode.Verify)
        {
            if (!_src.Skip(present))
            {
                throw Truncated(tag, valueOffset, $"{present} bytes of pixel data");
            }

            element = new DicomElement(tag, vr, fileVR, length, valueOffset, ReadOnlyMemory<byte>.Empty, valueLoaded: false);
        }
        else if (_options.PixelDataMode == PixelDataMode.Reference && _src.IsRereadable && _offsetsInSource)
        {
            _src.Skip(present);
            element = new DicomElement(tag, vr, fileVR, length, valueOffset, ReadOnlyMemory<byte>.Empty, valueLoaded: false);
        }
        else
        {
            if (present > _options.MaxElementLength)
            {
                throw new DicomLimitExceededException(DicomLimit.ElementLength, $"Pixel data of {present} bytes exceeds MaxElementLength {_options.MaxElementLength}; read it with PixelDataMode.Reference", tag, valueOffset, present);
            }

            if (!_src.TryEnsure((int)present))
            {
                throw Truncated(tag, valueOffset, $"{present} bytes of pixel data");
            }

            element = new DicomElement(tag, vr, fileVR, length, valueOffset, _src.Take((int)present));
        }

        ds.Append(element);
        PixelData = new DicomPixelData(element, null, _offsetsInSource, ExtendedTable(ds, DicomTags.ExtendedOffsetTable), ExtendedTable(ds, DicomTags.ExtendedOffsetTableLengths));
        return stop;
    }

    private bool ReadEncapsulatedPixelData(DicomDataset ds, DicomTag tag, DicomVR vr, DicomVR fileVR, long valueOffset, bool bigEndian)
    {
        if (_options.PixelDataMode == PixelDataMode.Skip)
        {
            var skipped = new DicomElement(tag, vr, fileVR, DicomElement.UndefinedLength, valueOffset, ReadOnlyMemory<byte>.Empty, valueLoaded: false);
            ds.Append(skipped);
            PixelData = new DicomPixelData(skipped, null, _offsetsInSource, ExtendedTable(ds, DicomTags.ExtendedOffsetTable), ExtendedTable(ds, DicomTags.ExtendedOffsetTableLengths));
            return true;
        }

        var verify = _options.PixelDataMode == PixelDataMode.Verify;
        var load = !verify && (_options.PixelDataMode == PixelDataMode.Load || !_src.IsRereadable || !_offsetsInSource);
        var element = ReadFragments(tag, vr, fileVR, valueOffset, bigEndian, load, verify);
        ds.Append(element);
        PixelData = new DicomPixelData(element, element.Fragments, _offsetsInSource, ExtendedTable(ds, DicomTags.ExtendedOffsetTable), ExtendedTable(ds, DicomTags.ExtendedOffsetTableLengths));
        return false;
    }

    private static ulong[]? ExtendedTable(DicomDataset ds, DicomTag tag) => ds.Contains(tag) ? ds.GetValues<ulong>(tag) : null;

    /// <summary>Items of encapsulated data (PS3.5 A.4), read flat up to the sequence delimiter.</summary>
    /// <param name="verify">Keep no fragment and require the sequence delimiter: the whole encapsulated value must be there.</param>
    private DicomElement ReadFragments(DicomTag tag, DicomVR vr, DicomVR fileVR, long valueOffset, bool bigEndian, bool load, bool verify = false)
    {
        var src = _src;
        DicomFragment? offsetTable = null;
        var fragments = new List<DicomFragment>();
        while (true)
        {
            var pos = src.Position;
            if (!src.TryEnsure(8))
            {
                if (verify && !_options.TolerateTruncation)
                {
                    throw Truncated(tag, pos, "the next fragment item or the sequence delimiter (the encapsulated pixel data is cut short)");
                }

                if (src.Remaining == 0 || src.Remaining < 8)
                {
                    break; // missing sequence delimiter at the end of data: tolerated (pydicom, dcmtk)
                }

                throw Truncated(tag, pos, "a fragment item header");
            }

            var itemTag = src.PeekUInt32Tag(bigEndian);
            var length = src.PeekUInt32(4, bigEndian);
            src.Advance(8);
            if (itemTag == SequenceDelimitationTag)
            {
                break;
            }

            if (itemTag != ItemTag)
            {
                throw new DicomFormatException($"Expected a fragment item (FFFE,E000) in encapsulated {tag} but found {new DicomTag(itemTag)}", tag, pos);
            }

            if (length == DicomElement.UndefinedLength || length > src.Remaining)
            {
                throw new DicomFormatException($"Fragment of {tag} declares {(length == DicomElement.UndefinedLength ? "an undefined" : length.ToString(System.Globalization.CultureInfo.InvariantCulture))} length with {src.Remaining} bytes left", tag, pos);
            }

            var offset = src.Position;
            DicomFragment fragment;
            if (verify)
            {
                if (!src.Skip(length))
                {
                    throw Truncated(tag, pos, $"a fragment of {length} bytes");
                }

                fragment = new DicomFragment(offset, length, ReadOnlyMemory<byte>.Empty, false);
            }
            else if (load || offsetTable is null)
            {
                if (length > _options.MaxElementLength || !src.TryEnsure((int)length))
                {
                    throw Truncated(tag, pos, $"a fragment of {length} bytes");
                }

                fragment = new DicomFragment(offset, length, src.Take((int)length), true);
            }
            else
            {
                src.Skip(length);
                fragment = new DicomFragment(offset, length, ReadOnlyMemory<byte>.Empty, false);
            }

            if (offsetTable is null)
            {
                offsetTable = fragment;
            }
            else
            {
                fragments.Add(fragment);
            }
        }

        var table = offsetTable ?? new DicomFragment(valueOffset, 0, ReadOnlyMemory<byte>.Empty, true);
        return new DicomElement(tag, vr, fileVR, DicomElement.UndefinedLength, valueOffset, ReadOnlyMemory<byte>.Empty,
            new DicomFragments(table, fragments), load);
    }
}
