using VNCH.Network.Dicom.Imaging;

namespace VNCH.Network.Dicom.Tests.Imaging;

/// <summary>
/// ToGray8 renders monochrome frames straight to bytes (ADR 0116: no frame-sized float plane in between); every value
/// must be the one the float rendering gives, rounded as before.
/// </summary>
public class Gray8RenderingTests
{
    [Theory]
    [InlineData("dicom/derived_pediatric_cxr/peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm")] // 8-bit CR
    [InlineData("dicom/derived_pediatric_cxr/peds_cxr_normal_NORMAL2-IM-0092-0001_jpegbaseline.dcm")] // JPEG baseline
    [InlineData("dicom/fo-dicom/TestData/CR-MONO1-10-chest")] // MONOCHROME1, 10 bits, window
    [InlineData("dicom/fo-dicom/TestData/CT-MONO2-16-ankle")] // 16-bit CT, rescale
    [InlineData("dicom/fo-dicom/TestData/CR-ModalitySequenceLUT.dcm")] // Modality LUT
    [InlineData("dicom/pydicom/src/pydicom/data/test_files/CT_small.dcm")] // signed 16-bit
    [InlineData("dicom/pydicom/src/pydicom/data/test_files/MR_small_bigendian.dcm")] // big endian
    [InlineData("dicom/pydicom/src/pydicom/data/test_files/rtdose.dcm")] // 32-bit dose grid: the untabled path
    public void Gray8_is_the_float_rendering_rounded(string path)
    {
        var pixels = CorpusPixelTests.Open(path, out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(0))
        {
            Assert.True(Photometric.IsMonochrome(frame.PhotometricInterpretation));
            var values = GrayscaleRenderer.ToFloat(frame);
            var expected = values.Select(v => (byte)((v * 255f) + 0.5f)).ToArray();

            Assert.Equal(expected, GrayscaleRenderer.ToGray8(frame));
            var inverted = new GrayscaleRenderOptions { InvertMonochrome1 = false, Fallback = VoiFallback.FullRange };
            Assert.Equal(
                GrayscaleRenderer.ToFloat(frame, inverted).Select(v => (byte)((v * 255f) + 0.5f)).ToArray(),
                GrayscaleRenderer.ToGray8(frame, inverted));
            Assert.True(expected.Distinct().Count() > 8, "the frame should render to more than a few grey levels");
        }
    }

    [Fact]
    public void Gray8_refuses_a_destination_shorter_than_the_frame()
    {
        var pixels = CorpusPixelTests.Open("dicom/fo-dicom/TestData/CT-MONO2-16-ankle", out var stream);
        using (stream)
        using (var frame = pixels.DecodeFrame(0))
        {
            Assert.Throws<ArgumentException>(() => GrayscaleRenderer.ToGray8(frame, new byte[frame.Info.PixelsPerFrame - 1]));
        }
    }
}
