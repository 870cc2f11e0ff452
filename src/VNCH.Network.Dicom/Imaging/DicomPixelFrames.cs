using System.Buffers;
using System.IO.Compression;
using VNCH.Network.Dicom.Imaging.Codecs;

namespace VNCH.Network.Dicom.Imaging;

/// <summary>
/// The pixel data of one object, frame by frame: <see cref="DecodeFrame"/> touches only the bytes of the frame asked
/// for (native: computed offset; encapsulated: offset tables or fragment scanning), so a 1000-frame cine costs one
/// frame of memory. Decoding never throws anything but <see cref="DicomException"/> subtypes for bad data.
/// </summary>
public sealed partial class DicomPixelFrames
{
    private readonly PixelDataSource source;
    private readonly CodecFamily family;
    private readonly Lazy<IReadOnlyList<Range>>? fragmentMap;

    private DicomPixelFrames(PixelImageInfo info, string transferSyntaxUid, PixelDataSource source, ImagePresentation presentation, PixelDecodingLimits limits)
    {
        Info = info;
        TransferSyntaxUid = transferSyntaxUid;
        Presentation = presentation;
        Limits = limits;
        this.source = source;
        family = PixelTransferSyntaxes.Family(transferSyntaxUid);
        if (source is EncapsulatedPixelDataSource encapsulated)
        {
            fragmentMap = new Lazy<IReadOnlyList<Range>>(() => FragmentFrameMap.Build(encapsulated, info.NumberOfFrames, family));
        }
    }

    public PixelImageInfo Info { get; }

    public string TransferSyntaxUid { get; }

    /// <summary>The presentation of the object (top level, shared functional groups, or the first frame's).</summary>
    public ImagePresentation Presentation { get; }

    /// <summary>
    /// Per-frame presentations of enhanced multi-frame objects whose frames carry their own rescale or window
    /// (Per-Frame Functional Groups); null when every frame uses <see cref="Presentation"/>.
    /// </summary>
    public IReadOnlyList<ImagePresentation>? FramePresentations { get; private set; }

    public ImagePresentation PresentationOf(int frameIndex) =>
        FramePresentations is { } perFrame && frameIndex < perFrame.Count ? perFrame[frameIndex] : Presentation;

    public PixelDecodingLimits Limits { get; }

    public int FrameCount => Info.NumberOfFrames;

    /// <summary>
    /// Keep only Bits Stored bits below High Bit, sign-extended (PS3.5 8.1.1; default). False returns the allocated
    /// bits as they are, which is what pydicom 2.x does; only for comparisons with such tools.
    /// </summary>
    public bool MaskToBitsStored { get; set; } = true;

    /// <summary>
    /// Builds the pixel data from its parts. Throws <see cref="UnsupportedTransferSyntaxException"/> for syntaxes we do
    /// not decode, <see cref="DicomPixelDataException"/> for incoherent attributes or sizes beyond the limits.
    /// </summary>
    public static DicomPixelFrames Create(
        PixelImageInfo info,
        string transferSyntaxUid,
        PixelDataSource source,
        ImagePresentation? presentation = null,
        PixelDecodingLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(transferSyntaxUid);
        ArgumentNullException.ThrowIfNull(source);
        limits ??= PixelDecodingLimits.Default;
        var family = PixelTransferSyntaxes.Family(transferSyntaxUid);
        if (family == CodecFamily.Unsupported)
        {
            throw PixelTransferSyntaxes.Unsupported(transferSyntaxUid);
        }

        info.Validate(limits);
        var expectNative = family == CodecFamily.Native;
        if (expectNative != source is NativePixelDataSource)
        {
            throw new DicomPixelDataException(
                $"transfer syntax {transferSyntaxUid} ({PixelTransferSyntaxes.NameOf(transferSyntaxUid)}) needs {(expectNative ? "native" : "encapsulated")} pixel data");
        }

        if (family == CodecFamily.Native && !info.IsHorizontallySubsampled && info.SamplesPerPixel == 3 && info.PhotometricInterpretation.StartsWith("YBR_PARTIAL", StringComparison.Ordinal))
        {
            throw new DicomPixelDataException($"native pixel data cannot be {info.PhotometricInterpretation}");
        }

        return new DicomPixelFrames(info, transferSyntaxUid, source, presentation ?? ImagePresentation.None, limits);
    }

    /// <summary>Decodes frame <paramref name="index"/> (zero-based). Dispose the result to return its buffer.</summary>
    public DecodedFrame DecodeFrame(int index)
    {
        if ((uint)index >= (uint)FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the image has {FrameCount} frames");
        }

        var frame = source switch
        {
            NativePixelDataSource native => DecodeNative(native, index),
            EncapsulatedPixelDataSource encapsulated => DecodeEncapsulated(encapsulated, index),
            _ => throw new InvalidOperationException("unknown pixel data source"),
        };
        if (MaskToBitsStored)
        {
            SampleBits.Apply(frame.Bytes, Info);
        }

        return frame;
    }

    private DecodedFrame DecodeNative(NativePixelDataSource native, int index)
    {
        var (offset, length, bitShift) = NativePixelDecoder.FrameRange(Info, index);
        if (offset + length > native.Data.Length || length > int.MaxValue)
        {
            throw new DicomPixelDataException(
                index, $"pixel data is truncated: the frame needs bytes {offset}..{offset + length} but only {native.Data.Length} are present");
        }

        var frame = NewFrame(index, OutputPhotometric());
        try
        {
            native.Data.Lend(offset, (int)length, (native.BigEndian, BitShift: bitShift, Info, Frame: frame), static (source, s) =>
            {
                NativePixelDecoder.Decode(source, s.BitShift, s.BigEndian, s.Info, s.Frame.Bytes);
                return 0;
            });
            return frame;
        }
        catch
        {
            frame.Dispose();
            throw;
        }
    }

    private DecodedFrame DecodeEncapsulated(EncapsulatedPixelDataSource encapsulated, int index)
    {
        var map = fragmentMap!.Value;
        if (index >= map.Count)
        {
            throw new DicomPixelDataException(index, $"frame not found: the encapsulated pixel data holds {map.Count} frames, Number of Frames is {FrameCount}");
        }

        var (first, count) = map[index].GetOffsetAndLength(encapsulated.Fragments.Count);
        byte[]? joined = null;
        try
        {
            ReadOnlyMemory<byte> data;
            if (count == 1)
            {
                data = encapsulated.Fragments[first].ReadAll();
            }
            else
            {
                var total = 0L;
                for (var i = first; i < first + count; i++)
                {
                    total += encapsulated.Fragments[i].Length;
                }

                if (total > int.MaxValue)
                {
                    throw new DicomPixelDataException(index, $"compressed frame of {total} bytes is too large");
                }

                joined = ArrayPool<byte>.Shared.Rent((int)total);
                var at = 0;
                for (var i = first; i < first + count; i++)
                {
                    var fragment = encapsulated.Fragments[i].ReadAll();
                    fragment.Span.CopyTo(joined.AsSpan(at));
                    at += fragment.Length;
                }

                data = joined.AsMemory(0, at);
            }

            return DecodeCompressed(data, index);
        }
        finally
        {
            if (joined is not null)
            {
                ArrayPool<byte>.Shared.Return(joined);
            }
        }
    }

    private DecodedFrame DecodeCompressed(ReadOnlyMemory<byte> data, int index)
    {
        CheckExpansion(data.Length, index);
        DecodedFrame? frame = null;
        try
        {
            switch (family)
            {
                case CodecFamily.Rle:
                    frame = NewFrame(index, OutputPhotometric());
                    RleDecoder.Decode(data.Span, Info, index, frame.Bytes);
                    break;
                case CodecFamily.Jpeg:
                    frame = NewFrame(index, Info.PhotometricInterpretation);
                    frame.PhotometricInterpretation = JpegFrameDecoder.Decode(data, Info, index, frame.Memory);
                    break;
                case CodecFamily.Deflate:
                    frame = NewFrame(index, OutputPhotometric());
                    Inflate(data, index, frame);
                    break;
                default:
                    throw PixelTransferSyntaxes.Unsupported(TransferSyntaxUid);
            }

            return frame;
        }
        catch
        {
            frame?.Dispose();
            throw;
        }
    }

    /// <summary>A compressed frame cannot expand beyond what its codec allows: refuse absurd headers before allocating.</summary>
    private void CheckExpansion(long compressedBytes, int index)
    {
        var maxRatio = family switch
        {
            CodecFamily.Rle => RleDecoder.MaxExpansion,
            CodecFamily.Deflate => 1032, // deflate's maximum ratio
            _ => 2048, // JPEG: at least one bit per 8x8 block of 16-bit samples
        };
        // What the codec itself produces: packed bits for 1-bit data (unpacking to bytes comes after).
        var codecOutput = (Info.NativeFrameBits + 7) / 8;
        if (codecOutput > (compressedBytes + 64) * maxRatio)
        {
            throw new DicomPixelDataException(
                index, $"a compressed frame of {compressedBytes} bytes cannot hold a {Info.Rows} x {Info.Columns} x {Info.SamplesPerPixel} image ({Info.DecodedFrameBytes} bytes decoded)");
        }
    }

    private void Inflate(ReadOnlyMemory<byte> data, int index, DecodedFrame frame)
    {
        var (_, length, _) = NativePixelDecoder.FrameRange(Info, 0);
        var raw = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            int read;
            using (var stream = new DeflateStream(new MemoryStream(data.ToArray(), writable: false), CompressionMode.Decompress))
            {
                read = 0;
                int n;
                while (read < length && (n = stream.Read(raw, read, (int)length - read)) > 0)
                {
                    read += n;
                }
            }

            if (read < length)
            {
                throw new DicomPixelDataException(index, $"deflated frame inflates to {read} bytes, {length} expected");
            }

            NativePixelDecoder.Decode(raw.AsSpan(0, (int)length), 0, bigEndian: false, Info, frame.Bytes);
        }
        catch (InvalidDataException ex)
        {
            throw new DicomPixelDataException(index, $"corrupt deflate stream: {ex.Message}", ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    private string OutputPhotometric() =>
        Info.IsHorizontallySubsampled ? Photometric.YbrFull : Info.PhotometricInterpretation;

    private DecodedFrame NewFrame(int index, string photometric) => new(Info, index, photometric, PresentationOf(index));
}
