using VNCH.Network.Inference.Manifests;
using VNCH.Network.Inference.Preprocessing;

namespace VNCH.Network.Inference.Tests.Preprocessing;

public class ChestXrayPreprocessorTests
{
    // Oracle vectors: the same synthetic image center-cropped and resized to 28x28 by Pillow 9.4.0
    // (Image.crop + Image.resize, BILINEAR / BICUBIC), the library MedMNIST used to make its images.
    // Image: 61x45, pixel(x, y) = (7x + 13y + (x*y mod 17)) mod 256.
    private const string PillowBilinear =
        "444f5b67737b84909ba8b2bfcbd6e3c2c7892017232f3b46535f686f5d65727e8d9499a7b5c2ced6e2edc43b301624323d49525e6a798283" +
        "727c898f9fa8afc0cdd4e0e2a97d371c202e3d484f5d68757c89959986929ba7b1bbc5d5deead74e2117212e3444505b64707e88949da8ae" +
        "9ca5b4bdc8d0dce7d8824116222e3a424a5c64707b88919faab4bdc5afb9c5cfdbe3f0c03a1d1e2a35404c565e6f78848f9ba6b1bcc7d0d9" +
        "c5d1d9e5d1c5652e1e2b33414c54626e73828f9ca4b0bec5d2dee7d2dae3e7c733121e27343f4a555f6b77828999a4b0bcc6d0dbdae2ca3a" +
        "edc171311a1f323b44545d6a73808e939dafb5c3d0d9e5d54f322c1ba7251b252d3449555d6872808b979fa7b3c8cfd8e4c5503d12192132" +
        "221f29333d4759666f7a838f9aa3aeb7c4d7e0ebf2880b141f2933432b35424f5c63697682909ba6b2beccd8dbe1c3624322222e3b485154" +
        "434d5862727a808f9ea8b3bdcad2e0e5e8941e1b222f39444e5d686a57616d75828d95a6b1bac5d1dee8e47e7b24232c35424d59626d7a7e" +
        "6d78838f99a1acbac4d0dbe7deac4d1a1b2b34424a58646f7b858f96808997a0abb4c1d0d9e4c3ca51201d252f414a54616c76828d97a1aa" +
        "96a1abb7c3cad6e3deac322f1d26333f44535e6b74818d97a3afb8c0abb7bfcbd8deda9c4f121a27313b47545a6a77828c96a4abb8c3ccd8" +
        "bec8d4e0edf15b1c18242f3a444f5e666d7e8795a0aab5c0ccd9deecd5dfe8d5794f2b232b3b44505968737983979da8b7bfccd5e5ebd086" +
        "e8dc872e16182e3b444d56657079828a97adb5bec8d2e2eadd892d1fbc52111a262f3b47525e6874808a96a1aab8c2ced9e4cabd58141c26" +
        "141c2a37454c505e6b79858e9aa5b4c1c2cddadaab622e1523303a3b28323e45555e6575838a96a2b0b6c3d2d6e3d65d58131e2a32404c4f" +
        "3e49535e68737d8d96a1abb9c5cfd8e5e27a37121c28363f4b546066525b69737e86929faab4c2ccd9e4eabe69161926313d4755606a747b" +
        "66707d86929aa7b6c0cbd6e1c7b65f281527303b47525d68737e88917a868f9ba8aebac7d3dfe8d6300a1824293743515865737b87949ca5";

    private const string PillowBicubic =
        "424d5a66727a828e9aa6b2becad5ebc8cf951714222d3a46525d686e5c64717e8e9497a6b5c1cfd5e8fed92a290b23323e4a505d6a798383" +
        "717c898d9ea8aec1ced3e5f4b17d2d121a2c3f474f5d68767a89969986929ca8b1bbc5d6e0f7e441110a1e2f3444505a64717e88949da9af" +
        "9ba4b3bec7cfdbefeb8b360b1f2e3a41495b636e7b87909fa9b4bcc5afbac6d0e0eafccc1f0d192b36414d575d6f7a85919ba7b2bdc8d1df" +
        "c4d1d9ebdcd16221182a33414c55616f72818f9ba4afbec5d2dfecdcd8e9f8d928041423353e4b545e6a75828798a4afbcc6cedfe7f3db2d" +
        "f6c8691e161f323b44555e6a73808f949dafb4c3d0dcf5e241232016b41610222d3349555c6871808a979fa6b2c8cfd7e9ce513907151d33" +
        "141b29333d475a66707a84909aa4aeb8c5d7e8f3ff84000f1f2933442a34424f5d646774818e9ca5b1bfccdadaeace5d3a181f2e3b485253" +
        "424c5761727a7e8e9ea6b3bccad1e1f3faa309111a2e38444d5d686957626f75838d95a8b2bac7d1e1f1fa727517222b36434e5b626d7b7f" +
        "6c78829098a1abbac3cfe0edefb6490d112934414a58636f7b858e95808998a2abb4c2d0dcf2c7d3470d14262e424b54636d76848e98a2ab" +
        "95a1abb7c4cad6ecebb91f251726334043525f6b75808e98a3b0b8c1aab6bfc9d7deecab4a051523303b4454586877808c95a3aab6c3ccd7" +
        "bfc8d5e5f7ff50070f24303945505f666d7f8796a1abb5c1ccdbe2f5d3e0f5e47d4a261f2a3b44505868737883979ca7b7bfccd4e7f9e086" +
        "f3ea871a070e2d3d454e56667179828a98afb6bfc8d2e7f6ea871b10c74d0018262f3b47525d69747f8a96a1aab7c2cedff3d2c553001a26" +
        "0a152936454b4e5c6a78868c98a6b3c2c1caddedb26429071c313a3927333f44565f6576858a98a2b1b7c2d4d6efe25253011a2d31404d50" +
        "3c49535e68737b8e95a2abb9c5cfd7ecf5802c081628353f4b536066515b6a757e86929faab4c3cbdeedfbc765071226313e4756606b737c" +
        "67707d87929ba8b6c0cbd7e7cdbe59170a27323b48525d69747e88927a88909caaafbac7d5e0eddf25001123293744525966747c88969da7";

    // Upscaling: 5x3 image, pixel(x, y) = (50x + 30y) mod 256, center crop 3x3, BILINEAR to 28x28.
    private const string PillowBilinearUpscale =
        "3232323232363c41474c51575c61676c71777c81878c9296969696963232323232363c41474c51575c61676c71777c81878c929696969696" +
        "3232323232363c41474c51575c61676c71777c81878c9296969696963232323232363c41474c51575c61676c71777c81878c929696969696" +
        "3232323232363c41474c51575c61676c71777c81878c9296969696963535353535393f444a4f545a5f646a6f747a7f848a8f959999999999" +
        "38383838383c42474d52575d62676d72777d82878d92989c9c9c9c9c3b3b3b3b3b3f454a50555a60656a70757a80858a90959b9f9f9f9f9f" +
        "3e3e3e3e3e42484d53585d63686d73787d83888d93989ea2a2a2a2a24242424242464c51575c61676c71777c81878c91979ca2a6a6a6a6a6" +
        "4545454545494f545a5f646a6f747a7f848a8f949a9fa5a9a9a9a9a948484848484c52575d62676d72777d82878d92979da2a8acacacacac" +
        "4b4b4b4b4b4f555a60656a70757a80858a90959aa0a5abafafafafaf4e4e4e4e4e52585d63686d73787d83888d93989da3a8aeb2b2b2b2b2" +
        "5252525252565c61676c71777c81878c91979ca1a7acb2b6b6b6b6b65555555555595f646a6f747a7f848a8f949a9fa4aaafb5b9b9b9b9b9" +
        "58585858585c62676d72777d82878d92979da2a7adb2b8bcbcbcbcbc5b5b5b5b5b5f656a70757a80858a90959aa0a5aab0b5bbbfbfbfbfbf" +
        "5e5e5e5e5e62686d73787d83888d93989da3a8adb3b8bec2c2c2c2c26262626262666c71777c81878c91979ca1a7acb1b7bcc2c6c6c6c6c6" +
        "6565656565696f747a7f848a8f949a9fa4aaafb4babfc5c9c9c9c9c968686868686c72777d82878d92979da2a7adb2b7bdc2c8cccccccccc" +
        "6b6b6b6b6b6f757a80858a90959aa0a5aab0b5bac0c5cbcfcfcfcfcf6e6e6e6e6e72787d83888d93989da3a8adb3b8bdc3c8ced2d2d2d2d2" +
        "6e6e6e6e6e72787d83888d93989da3a8adb3b8bdc3c8ced2d2d2d2d26e6e6e6e6e72787d83888d93989da3a8adb3b8bdc3c8ced2d2d2d2d2" +
        "6e6e6e6e6e72787d83888d93989da3a8adb3b8bdc3c8ced2d2d2d2d26e6e6e6e6e72787d83888d93989da3a8adb3b8bdc3c8ced2d2d2d2d2";

    [Theory]
    [InlineData(ResampleFilters.Bilinear, PillowBilinear)]
    [InlineData(ResampleFilters.Bicubic, PillowBicubic)]
    public void CropAndResize_MatchesPillowBitForBit(string filter, string expectedHex)
    {
        var (pixels, width, height) = Synthetic(61, 45, (x, y) => ((7 * x) + (13 * y) + (x * y % 17)) % 256);
        var resized = new byte[28 * 28];

        Preprocessor(filter).CropAndResize(pixels, width, height, resized);

        Assert.Equal(Convert.FromHexString(expectedHex), resized);
    }

    [Fact]
    public void CropAndResize_Upscaling_MatchesPillow()
    {
        var (pixels, width, height) = Synthetic(5, 3, (x, y) => ((50 * x) + (30 * y)) % 256);
        var resized = new byte[28 * 28];

        Preprocessor(ResampleFilters.Bilinear).CropAndResize(pixels, width, height, resized);

        Assert.Equal(Convert.FromHexString(PillowBilinearUpscale), resized);
    }

    [Fact]
    public void Preprocess_UsesOnlyTheCentralSquare()
    {
        // 300x100: the central 100x100 square is mid-gray, the side bands are black and white.
        var (pixels, width, height) = Synthetic(300, 100, (x, _) => x < 100 ? 0 : x >= 200 ? 255 : 128);

        var tensor = Preprocessor(ResampleFilters.Bilinear).Preprocess(pixels, width, height);

        Assert.Equal(28 * 28, tensor.Length);
        Assert.All(tensor, v => Assert.Equal(128 / 255.0, v, tolerance: 1e-6));
    }

    [Fact]
    public void Preprocess_PortraitImage_CropsVertically()
    {
        var (pixels, width, height) = Synthetic(90, 270, (_, y) => y < 90 ? 255 : y >= 180 ? 0 : 40);

        var tensor = Preprocessor(ResampleFilters.Bicubic).Preprocess(pixels, width, height);

        Assert.All(tensor, v => Assert.Equal(40 / 255.0, v, tolerance: 1e-6));
    }

    [Fact]
    public void Preprocess_ImageAlreadyAtModelSize_IsOnlyScaled()
    {
        var (pixels, width, height) = Synthetic(28, 28, (x, y) => (x * 9) + y);

        var tensor = Preprocessor(ResampleFilters.Bilinear).Preprocess(pixels, width, height);

        Assert.Equal(pixels.Length, tensor.Length);
        for (var i = 0; i < pixels.Length; i++)
        {
            Assert.Equal(pixels[i] / 255.0, tensor[i], tolerance: 1e-6);
        }
    }

    [Fact]
    public void Preprocess_KeepsOrientation()
    {
        // A left-to-right ramp must stay a left-to-right ramp (no transposition or flip on the way).
        var (pixels, width, height) = Synthetic(400, 300, (x, _) => x * 255 / 399);

        var tensor = Preprocessor(ResampleFilters.Bilinear).Preprocess(pixels, width, height);

        for (var row = 0; row < 28; row++)
        {
            Assert.True(tensor[row * 28] < tensor[(row * 28) + 27]);
            Assert.Equal(tensor[row * 28], tensor[0]);
        }
    }

    [Theory]
    [InlineData(0, 10, 0)]
    [InlineData(10, 10, 99)]
    [InlineData(-1, 10, 10)]
    public void Preprocess_RejectsInconsistentBuffers(int width, int height, int bytes)
    {
        var preprocessor = Preprocessor(ResampleFilters.Bilinear);

        Assert.Throws<ArgumentException>(() => preprocessor.Preprocess(new byte[bytes], width, height));
    }

    internal static ChestXrayPreprocessor Preprocessor(string filter) => new(new ImagePreprocessingSpec
    {
        Kind = PreprocessingKinds.CenterCropResizeGray8,
        Width = 28,
        Height = 28,
        Filter = filter,
    });

    private static (byte[] Pixels, int Width, int Height) Synthetic(int width, int height, Func<int, int, int> value)
    {
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = (byte)value(x, y);
            }
        }

        return (pixels, width, height);
    }
}
