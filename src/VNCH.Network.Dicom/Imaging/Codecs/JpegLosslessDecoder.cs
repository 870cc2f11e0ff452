using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VNCH.Network.Dicom.Imaging.Codecs;

/// <summary>
/// JPEG lossless, process 14 (ITU-T T.81 Annex H, Huffman coded, predictors 1-7, point transform, restart intervals,
/// interleaved or one scan per component). Our own because JpegLibrary 0.4.32 applies the selected predictor on the
/// first line of a scan instead of Ra (H.1.2.1), which breaks every non-SV1 (1.2.840.10008.1.2.4.57) image of the corpus.
/// Sample arithmetic is modulo 2^16 as the standard requires; output is interleaved 8- or 16-bit samples.
/// </summary>
internal static class JpegLosslessDecoder
{
    public static void Decode(ReadOnlySpan<byte> data, PixelImageInfo info, int frameIndex, Span<byte> destination)
    {
        try
        {
            new Decoder(data, info, frameIndex).Run(destination);
        }
        catch (IndexOutOfRangeException ex)
        {
            throw new DicomPixelDataException(frameIndex, "corrupt JPEG lossless codestream (a table or length points outside the data)", ex);
        }
    }

    private ref struct Decoder
    {
        private readonly ReadOnlySpan<byte> data;
        private readonly PixelImageInfo info;
        private readonly int frameIndex;
        private readonly HuffmanTable?[] tables = new HuffmanTable?[4];
        private int position;
        private int precision;
        private int width;
        private int height;
        private int restartInterval;
        private byte[] componentIds = [];

        public Decoder(ReadOnlySpan<byte> data, PixelImageInfo info, int frameIndex)
        {
            this.data = data;
            this.info = info;
            this.frameIndex = frameIndex;
        }

        public void Run(Span<byte> destination)
        {
            if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
            {
                throw Error("no JPEG SOI marker");
            }

            position = 2;
            var scans = 0;
            while (true)
            {
                var marker = NextMarker();
                switch (marker)
                {
                    case 0xD9: // EOI
                        if (scans == 0)
                        {
                            throw Error("no scan before the end of the image");
                        }

                        return;
                    case 0xC3:
                        ReadFrameHeader(Segment());
                        break;
                    case 0xC4:
                        ReadHuffmanTables(Segment());
                        break;
                    case 0xDD:
                        var dri = Segment();
                        restartInterval = dri.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(dri) : 0;
                        break;
                    case 0xDA:
                        if (componentIds.Length == 0)
                        {
                            throw Error("scan before the frame header");
                        }

                        DecodeScan(Segment(), destination);
                        scans++;
                        if (scans >= componentIds.Length || position >= data.Length)
                        {
                            return; // all components seen (or data ends without EOI, which decoders tolerate)
                        }

                        break;
                    case >= 0xC0 and <= 0xCF when marker is not (0xC4 or 0xC8 or 0xCC):
                        throw Error($"SOF marker 0x{marker:X2} is not JPEG lossless (process 14)");
                    default:
                        Segment(); // APPn, COM, DQT, DNL...: skipped
                        break;
                }
            }
        }

        private byte NextMarker()
        {
            while (position + 1 < data.Length && data[position] != 0xFF)
            {
                position++; // tolerate garbage between segments
            }

            while (position + 1 < data.Length && data[position + 1] == 0xFF)
            {
                position++; // fill bytes
            }

            if (position + 1 >= data.Length)
            {
                return 0xD9;
            }

            var marker = data[position + 1];
            position += 2;
            return marker;
        }

        private ReadOnlySpan<byte> Segment()
        {
            if (position + 2 > data.Length)
            {
                throw Error("truncated marker segment");
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[position..]);
            if (length < 2 || position + length > data.Length)
            {
                throw Error($"marker segment length {length} runs past the data");
            }

            var segment = data.Slice(position + 2, length - 2);
            position += length;
            return segment;
        }

        private void ReadFrameHeader(ReadOnlySpan<byte> segment)
        {
            if (segment.Length < 6)
            {
                throw Error("truncated frame header");
            }

            precision = segment[0];
            height = BinaryPrimitives.ReadUInt16BigEndian(segment[1..]);
            width = BinaryPrimitives.ReadUInt16BigEndian(segment[3..]);
            int count = segment[5];
            if (precision is < 2 or > 16 || segment.Length < 6 + (3 * count) || count == 0)
            {
                throw Error($"invalid frame header (precision {precision}, {count} components)");
            }

            if (width != info.Columns || height != info.Rows || count != info.SamplesPerPixel)
            {
                throw Error($"codestream is {width} x {height} with {count} components but the dataset says {info.Columns} x {info.Rows} with {info.SamplesPerPixel} samples");
            }

            if (precision > 8 && info.BitsAllocated == 8)
            {
                throw Error($"precision {precision} does not fit Bits Allocated 8");
            }

            componentIds = new byte[count];
            for (var c = 0; c < count; c++)
            {
                componentIds[c] = segment[6 + (3 * c)];
                if (segment[7 + (3 * c)] != 0x11)
                {
                    throw Error("subsampled lossless components are not supported");
                }
            }
        }

        private void ReadHuffmanTables(ReadOnlySpan<byte> segment)
        {
            var i = 0;
            while (i + 17 <= segment.Length)
            {
                var tableClass = segment[i] >> 4;
                var id = segment[i] & 0x0F;
                var counts = segment.Slice(i + 1, 16);
                var total = 0;
                foreach (var count in counts)
                {
                    total += count;
                }

                if (id > 3 || i + 17 + total > segment.Length)
                {
                    throw Error("invalid Huffman table");
                }

                if (tableClass == 0)
                {
                    tables[id] = new HuffmanTable(counts, segment.Slice(i + 17, total));
                }

                i += 17 + total;
            }
        }

        private void DecodeScan(ReadOnlySpan<byte> header, Span<byte> destination)
        {
            int count = header.Length > 0 ? header[0] : 0;
            if (count == 0 || header.Length < 1 + (2 * count) + 3)
            {
                throw Error("invalid scan header");
            }

            var scanComponents = new int[count];
            var scanTables = new HuffmanTable[count];
            for (var k = 0; k < count; k++)
            {
                var index = Array.IndexOf(componentIds, header[1 + (2 * k)]);
                var table = tables[header[2 + (2 * k)] >> 4];
                if (index < 0 || table is null)
                {
                    throw Error("scan names an unknown component or an undefined Huffman table");
                }

                scanComponents[k] = index;
                scanTables[k] = table;
            }

            var predictor = header[1 + (2 * count)];
            var pointTransform = header[3 + (2 * count)] & 0x0F;
            if (predictor > 7)
            {
                throw Error($"invalid predictor {predictor}");
            }

            var spp = componentIds.Length;
            var wide = info.BitsAllocated == 16;
            var samples16 = MemoryMarshal.Cast<byte, ushort>(destination);
            var initial = 1 << (precision - pointTransform - 1);
            var reader = new BitReader(data, position);
            var restartsLeft = restartInterval;
            var firstLine = true; // first line of the scan or of a restart interval: Ra predictor
            var restartAt = (Row: 0, Column: 0);

            // Decoded differences accumulate in the output buffer; reads of neighbours go through it.
            int Get(Span<byte> bytes, Span<ushort> words, int index) => wide ? words[index] : bytes[index];

            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    if (restartInterval > 0 && restartsLeft == 0)
                    {
                        reader.Restart();
                        restartsLeft = restartInterval;
                        firstLine = true;
                        restartAt = (y, x);
                    }

                    for (var k = 0; k < count; k++)
                    {
                        var c = scanComponents[k];
                        var index = (((y * width) + x) * spp) + c;
                        var diff = reader.DecodeDifference(scanTables[k]);
                        int prediction;
                        if ((y, x) == restartAt)
                        {
                            prediction = initial;
                        }
                        else if (firstLine && (y == restartAt.Row))
                        {
                            prediction = Get(destination, samples16, index - spp); // Ra
                        }
                        else if (x == 0)
                        {
                            prediction = Get(destination, samples16, index - (width * spp)); // Rb
                        }
                        else
                        {
                            var ra = Get(destination, samples16, index - spp);
                            var rb = Get(destination, samples16, index - (width * spp));
                            var rc = Get(destination, samples16, index - (width * spp) - spp);
                            prediction = predictor switch
                            {
                                1 => ra,
                                2 => rb,
                                3 => rc,
                                4 => ra + rb - rc,
                                5 => ra + ((rb - rc) >> 1),
                                6 => rb + ((ra - rc) >> 1),
                                7 => (ra + rb) >> 1,
                                _ => 0,
                            };
                        }

                        var value = (prediction + diff) & 0xFFFF;
                        if (wide)
                        {
                            samples16[index] = (ushort)value;
                        }
                        else
                        {
                            destination[index] = (byte)value;
                        }
                    }

                    restartsLeft--;
                }

                if (y == restartAt.Row)
                {
                    firstLine = false;
                }
            }

            if (reader.Overrun)
            {
                throw Error("the entropy-coded data ends before the last sample (truncated)");
            }

            position = reader.Position;
            if (pointTransform > 0)
            {
                for (var i = 0; i < width * height * spp; i++)
                {
                    if (wide)
                    {
                        samples16[i] = (ushort)(samples16[i] << pointTransform);
                    }
                    else
                    {
                        destination[i] = (byte)(destination[i] << pointTransform);
                    }
                }
            }
        }

        private readonly DicomPixelDataException Error(string message) =>
            new(frameIndex, $"corrupt JPEG lossless codestream: {message}");
    }

    /// <summary>
    /// Canonical Huffman codes (T.81 C, F.2.2.3): a 9-bit lookup table resolves the common short codes in one step,
    /// longer ones fall back to MAXCODE/VALPTR.
    /// </summary>
    private sealed class HuffmanTable
    {
        private const int LookupBits = 9;
        private readonly int[] maxCode = new int[18];
        private readonly int[] valueOffset = new int[18];
        private readonly byte[] values;
        private readonly ushort[] lookup = new ushort[1 << LookupBits]; // (length << 8) | symbol, 0 = not resolved

        public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> symbols)
        {
            values = symbols.ToArray();
            var code = 0;
            var k = 0;
            for (var length = 1; length <= 16; length++)
            {
                valueOffset[length] = k - code;
                for (var i = 0; i < counts[length - 1]; i++, k++, code++)
                {
                    if (length <= LookupBits)
                    {
                        var first = code << (LookupBits - length);
                        lookup.AsSpan(first, 1 << (LookupBits - length)).Fill((ushort)((length << 8) | values[k]));
                    }
                }

                maxCode[length] = counts[length - 1] == 0 ? -1 : code - 1;
                code <<= 1;
            }
        }

        public int Decode(ref BitReader reader)
        {
            var peek = reader.Peek(16);
            var entry = lookup[peek >> (16 - LookupBits)];
            if (entry != 0)
            {
                reader.Skip(entry >> 8);
                return entry & 0xFF;
            }

            for (var length = LookupBits + 1; length <= 16; length++)
            {
                var code = peek >> (16 - length);
                if (code <= maxCode[length])
                {
                    reader.Skip(length);
                    var index = code + valueOffset[length];
                    return (uint)index < (uint)values.Length ? values[index] : 0;
                }
            }

            reader.Skip(16);
            return 0; // invalid code: treated as zero difference; garbage streams end in the overrun check
        }
    }

    /// <summary>
    /// Entropy-coded bits through a 64-bit buffer: FF 00 is a data FF; any other marker ends the data, and zeros are
    /// supplied past it. Consuming more bits than the data held (since the last restart) is an overrun: truncation.
    /// </summary>
    private ref struct BitReader
    {
        private readonly ReadOnlySpan<byte> data;
        private int position;
        private ulong buffer;
        private int bitsInBuffer;
        private long realBits;
        private long consumedBits;

        public BitReader(ReadOnlySpan<byte> data, int position)
        {
            this.data = data;
            this.position = position;
        }

        public readonly int Position => position;

        public bool Overrun { get; private set; }

        public int Peek(int n)
        {
            if (bitsInBuffer < n)
            {
                Fill();
            }

            return (int)(buffer >> (bitsInBuffer - n)) & ((1 << n) - 1);
        }

        public void Skip(int n)
        {
            bitsInBuffer -= n;
            consumedBits += n;
            if (consumedBits > realBits)
            {
                Overrun = true;
            }
        }

        public int DecodeDifference(HuffmanTable table)
        {
            var ssss = table.Decode(ref this);
            if (ssss == 0)
            {
                return 0;
            }

            if (ssss >= 16)
            {
                return 32768;
            }

            var value = Peek(ssss);
            Skip(ssss);
            return value < (1 << (ssss - 1)) ? value - (1 << ssss) + 1 : value;
        }

        /// <summary>Skips to the next RSTn marker and starts afresh after it.</summary>
        public void Restart()
        {
            buffer = 0;
            bitsInBuffer = 0;
            realBits = consumedBits = 0;
            while (position + 1 < data.Length && !(data[position] == 0xFF && data[position + 1] is >= 0xD0 and <= 0xD7))
            {
                position++;
            }

            position = Math.Min(data.Length, position + 2);
        }

        private void Fill()
        {
            while (bitsInBuffer <= 56)
            {
                int next;
                if (position < data.Length && data[position] != 0xFF)
                {
                    next = data[position++];
                    realBits += 8;
                }
                else if (position + 1 < data.Length && data[position] == 0xFF && data[position + 1] == 0x00)
                {
                    next = 0xFF;
                    position += 2;
                    realBits += 8;
                }
                else
                {
                    next = 0; // at a marker or past the end: the position stays there
                }

                buffer = (buffer << 8) | (uint)next;
                bitsInBuffer += 8;
            }
        }
    }
}
