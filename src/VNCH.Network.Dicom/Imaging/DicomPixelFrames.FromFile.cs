using ReaderPixelData = VNCH.Network.Dicom.DicomPixelData;

namespace VNCH.Network.Dicom.Imaging;

/// <summary>Building the pixel pipeline from what <see cref="DicomReader"/> found.</summary>
public sealed partial class DicomPixelFrames
{
    /// <summary>
    /// The pixel data of a read file. When the reader only referenced the pixel bytes (the default for files), pass
    /// the seekable stream the file was read from: frames are then read from it on demand, one at a time.
    /// </summary>
    public static DicomPixelFrames FromFile(DicomFile file, Stream? source = null, PixelDecodingLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var location = file.PixelData ?? throw new DicomPixelDataException("the data set has no pixel data");
        var dataset = file.Dataset;
        var info = ReadImageInfo(dataset, location.Tag);
        var transferSyntax = file.TransferSyntax;
        if (!PixelTransferSyntaxes.IsDecodable(transferSyntax.Uid))
        {
            throw PixelTransferSyntaxes.Unsupported(transferSyntax.Uid);
        }

        PixelDataSource pixels = location.IsEncapsulated
            ? Encapsulated(location, source)
            : new NativePixelDataSource(Bytes(location.IsLoaded, location.Data, location.Offset, location.Length, location.OffsetsAreInSource, source), transferSyntax.IsBigEndian);
        var frames = Create(info, transferSyntax.Uid, pixels, ReadPresentation(dataset, info), limits);
        frames.FramePresentations = ReadFramePresentations(dataset, info);
        return frames;
    }

    /// <summary>Image Pixel module attributes; absent type-1 attributes are errors, absent optional ones get their defaults.</summary>
    public static PixelImageInfo ReadImageInfo(DicomDataset dataset, DicomTag pixelDataTag)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int Required(DicomTag tag, string name) => dataset.TryGetInt32(tag, out var value)
            ? value
            : throw new DicomPixelDataException($"the image has no valid {name} {tag}");

        var isFloat = pixelDataTag == DicomTags.FloatPixelData || pixelDataTag == DicomTags.DoubleFloatPixelData;
        var rows = Required(DicomTags.Rows, "Rows");
        var columns = Required(DicomTags.Columns, "Columns");
        var bitsAllocated = Required(DicomTags.BitsAllocated, "Bits Allocated");
        var bitsStored = dataset.GetInt32OrDefault(DicomTags.BitsStored, bitsAllocated);
        var photometric = (dataset.GetStringOrNull(DicomTags.PhotometricInterpretation) ?? string.Empty).Trim().ToUpperInvariant();
        if (photometric.Length == 0)
        {
            throw new DicomPixelDataException("the image has no Photometric Interpretation (0028,0004)");
        }

        return new PixelImageInfo(
            rows,
            columns,
            dataset.GetInt32OrDefault(DicomTags.SamplesPerPixel, 1),
            bitsAllocated,
            isFloat ? bitsAllocated : bitsStored,
            isFloat ? bitsAllocated - 1 : dataset.GetInt32OrDefault(DicomTags.HighBit, bitsStored - 1),
            isFloat ? 0 : dataset.GetInt32OrDefault(DicomTags.PixelRepresentation, 0),
            photometric,
            dataset.GetInt32OrDefault(DicomTags.PlanarConfiguration, 0),
            Math.Max(1, dataset.GetInt32OrDefault(DicomTags.NumberOfFrames, 1)),
            isFloat);
    }

    /// <summary>Rescale or Modality LUT, windows or VOI LUTs (top level, else the functional groups of enhanced objects), palette.</summary>
    public static ImagePresentation ReadPresentation(DicomDataset dataset, PixelImageInfo info) =>
        ReadPresentation(dataset, info, FunctionalGroups(dataset, frameIndex: 0));

    /// <summary>One presentation per frame when the Per-Frame Functional Groups carry rescale or window values.</summary>
    public static IReadOnlyList<ImagePresentation>? ReadFramePresentations(DicomDataset dataset, PixelImageInfo info)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(info);
        var perFrame = dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var varies = perFrame.Count > 1 && perFrame.Any(item =>
            item.GetSequence(DicomTags.PixelValueTransformationSequence).Count > 0 || item.GetSequence(DicomTags.FrameVOILUTSequence).Count > 0);
        if (!varies || dataset.Contains(DicomTags.RescaleSlope) || dataset.Contains(DicomTags.WindowCenter))
        {
            return null;
        }

        return Enumerable.Range(0, Math.Min(perFrame.Count, info.NumberOfFrames))
            .Select(index => ReadPresentation(dataset, info, FunctionalGroups(dataset, index)))
            .ToList();
    }

    private static ImagePresentation ReadPresentation(DicomDataset dataset, PixelImageInfo info, IReadOnlyList<DicomDataset> groups)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(info);
        var rescaleSource = FirstWith(DicomTags.RescaleSlope, [dataset, .. groups.SelectMany(g => g.GetSequence(DicomTags.PixelValueTransformationSequence))]);
        var windowSource = FirstWith(DicomTags.WindowCenter, [dataset, .. groups.SelectMany(g => g.GetSequence(DicomTags.FrameVOILUTSequence))]);

        var presentation = new ImagePresentation
        {
            RescaleSlope = rescaleSource is not null && rescaleSource.TryGetDouble(DicomTags.RescaleSlope, out var slope) && slope != 0 ? slope : 1,
            RescaleIntercept = rescaleSource is not null && rescaleSource.TryGetDouble(DicomTags.RescaleIntercept, out var intercept) ? intercept : 0,
            RescaleType = rescaleSource?.GetStringOrNull(DicomTags.RescaleType),
            ModalityLut = dataset.GetSequence(DicomTags.ModalityLUTSequence).Select(item => Lut(item, info.IsSigned)).FirstOrDefault(),
            Windows = windowSource is null ? [] : Windows(windowSource),
            VoiLuts = dataset.GetSequence(DicomTags.VOILUTSequence).Select(item => Lut(item, signedInput: info.IsSigned)).ToList(),
            Palette = info.PhotometricInterpretation == Photometric.PaletteColor ? Palette(dataset) : null,
        };
        return presentation;
    }

    /// <summary>The frame's own functional groups first (they override), then the shared ones.</summary>
    private static IReadOnlyList<DicomDataset> FunctionalGroups(DicomDataset dataset, int frameIndex) =>
        [.. dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence).Skip(frameIndex).Take(1), .. dataset.GetSequence(DicomTags.SharedFunctionalGroupsSequence)];

    private static DicomDataset? FirstWith(DicomTag tag, IEnumerable<DicomDataset> candidates) =>
        candidates.FirstOrDefault(candidate => candidate.Contains(tag));

    private static List<VoiWindow> Windows(DicomDataset source)
    {
        var centers = source.GetDoubles(DicomTags.WindowCenter);
        var widths = source.GetDoubles(DicomTags.WindowWidth);
        var explanations = source.GetStrings(DicomTags.WindowCenterWidthExplanation);
        var function = VoiTransforms.ParseFunction(source.GetStringOrNull(DicomTags.VOILUTFunction));
        var windows = new List<VoiWindow>();
        for (var i = 0; i < Math.Min(centers.Length, widths.Length); i++)
        {
            windows.Add(new VoiWindow(centers[i], widths[i], function, i < explanations.Length ? explanations[i] : null));
        }

        return windows;
    }

    private static LookupTable Lut(DicomDataset item, bool signedInput)
    {
        var descriptor = item.GetUInt16s(DicomTags.LUTDescriptor).Select(v => (int)v).ToList();
        return LookupTable.FromDescriptor(descriptor, item.GetUInt16s(DicomTags.LUTData), signedInput, item.GetStringOrNull(DicomTags.LUTExplanation));
    }

    private static PaletteColorLut Palette(DicomDataset dataset)
    {
        LookupTable Channel(DicomTag descriptorTag, DicomTag dataTag, DicomTag segmentedTag)
        {
            var descriptor = dataset.GetUInt16s(descriptorTag).Select(v => (int)v).ToList();
            if (descriptor.Count != 3)
            {
                throw new DicomPixelDataException($"PALETTE COLOR image without a valid palette descriptor {descriptorTag}");
            }

            var data = dataset.Contains(dataTag)
                ? dataset.GetUInt16s(dataTag)
                : dataset.Contains(segmentedTag)
                    ? PaletteColorLut.ExpandSegmented(dataset.GetUInt16s(segmentedTag), descriptor[0] == 0 ? 65536 : descriptor[0])
                    : throw new DicomPixelDataException($"PALETTE COLOR image without palette data {dataTag}");
            return LookupTable.FromDescriptor(descriptor, data, signedInput: false);
        }

        return new PaletteColorLut(
            Channel(DicomTags.RedPaletteColorLookupTableDescriptor, DicomTags.RedPaletteColorLookupTableData, DicomTags.SegmentedRedPaletteColorLookupTableData),
            Channel(DicomTags.GreenPaletteColorLookupTableDescriptor, DicomTags.GreenPaletteColorLookupTableData, DicomTags.SegmentedGreenPaletteColorLookupTableData),
            Channel(DicomTags.BluePaletteColorLookupTableDescriptor, DicomTags.BluePaletteColorLookupTableData, DicomTags.SegmentedBluePaletteColorLookupTableData));
    }

    private static EncapsulatedPixelDataSource Encapsulated(ReaderPixelData location, Stream? source)
    {
        var fragments = location.Fragments!;
        var list = fragments.Fragments
            .Select(f => Bytes(f.IsLoaded, f.Data, f.Offset, f.Length, location.OffsetsAreInSource, source))
            .ToList();
        return new EncapsulatedPixelDataSource(list, fragments.BasicOffsetTable, location.ExtendedOffsetTable, location.ExtendedOffsetTableLengths);
    }

    private static PixelBytes Bytes(bool loaded, ReadOnlyMemory<byte> data, long offset, long length, bool offsetsAreInSource, Stream? source)
    {
        if (loaded)
        {
            return PixelBytes.FromMemory(data);
        }

        if (source is null || !offsetsAreInSource)
        {
            throw new DicomPixelDataException(
                "the pixel data was not loaded by the reader: pass the seekable stream the file was read from, or read with PixelDataMode.Load");
        }

        if (length < 0)
        {
            throw new DicomPixelDataException("native pixel data of undefined length");
        }

        return PixelBytes.FromStream(source, offset, length);
    }
}
