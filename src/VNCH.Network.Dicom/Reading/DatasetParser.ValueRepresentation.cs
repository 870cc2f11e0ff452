namespace VNCH.Network.Dicom;

/// <summary>The effective VR of an element: as written, or from the public and private dictionaries.</summary>
internal sealed partial class DatasetParser
{
    /// <summary>The effective VR: explicit VR as written, else the dictionary's (pydicom's rules for implicit VR and UN).</summary>
    private static DicomVR ResolveVR(DicomTag tag, DicomVR fileVR, bool implicitVR, uint length, DicomDataset ds)
    {
        // Explicit VR as written; a code that is not a VR (e.g. two spaces) is looked up like implicit VR (dcmtk
        // keeps the 2-byte length too); UN is replaced by the dictionary VR when known (pydicom's rule).
        if (!implicitVR && fileVR != DicomVR.None)
        {
            if (fileVR != DicomVR.UN)
            {
                return fileVR;
            }

            if (!tag.IsPrivate && length != DicomElement.UndefinedLength && length >= 0xFFFF)
            {
                return DicomVR.UN;
            }
        }

        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? DicomVR.LO : PrivateVR(tag, ds);
        }

        var vr = DicomDictionary.GetVR(tag);
        if (DicomDictionary.IsAmbiguous(tag))
        {
            vr = ResolveAmbiguous(tag, vr, length, ds);
        }

        return vr;
    }

    private static DicomVR PrivateVR(DicomTag tag, DicomDataset ds)
    {
        if ((tag.Element & 0xFF00) == 0)
        {
            return DicomVR.UN;
        }

        var creatorTag = new DicomTag(tag.Group, (ushort)(tag.Element >> 8));
        if (!ds.TryGetElement(creatorTag, out var creatorElement))
        {
            return DicomVR.UN;
        }

        var creator = System.Text.Encoding.Latin1.GetString(creatorElement.RawValue.Span).TrimEnd(' ', '\0');
        if (creator.Length == 0)
        {
            return DicomVR.UN;
        }

        var vr = DicomPrivateDictionary.GetVR(tag, creator);
        if (vr is DicomVR.None)
        {
            return DicomVR.UN;
        }

        return vr;
    }

    private static DicomVR ResolveAmbiguous(DicomTag tag, DicomVR first, uint length, DicomDataset ds)
    {
        var options = DicomDictionary.GetVRs(tag);
        if (options.Contains(DicomVR.OB) && options.Contains(DicomVR.OW))
        {
            return length == DicomElement.UndefinedLength ? DicomVR.OB : DicomVR.OW;
        }

        if (options.Contains(DicomVR.SS) && options.Contains(DicomVR.US) && !options.Contains(DicomVR.OW))
        {
            for (var d = ds; d is not null; d = d.Parent)
            {
                if (d.TryGetElement(DicomTags.PixelRepresentation, out _))
                {
                    return d.GetInt32OrDefault(DicomTags.PixelRepresentation, 0) == 0 ? DicomVR.US : DicomVR.SS;
                }
            }

            return DicomVR.US;
        }

        if (tag == DicomTags.LUTData)
        {
            return ds.TryGetInt32(DicomTags.LUTDescriptor, out var entries) && entries == 1 ? DicomVR.US : DicomVR.OW;
        }

        return options.Contains(DicomVR.OW) ? DicomVR.OW : first;
    }
}
