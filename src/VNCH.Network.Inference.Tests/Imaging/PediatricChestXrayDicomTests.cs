using VNCH.Network.Inference.Evaluation;
using VNCH.Network.Inference.Imaging;
using VNCH.Network.Testing;
using Xunit.Abstractions;

namespace VNCH.Network.Inference.Tests.Imaging;

/// <summary>
/// The four real pediatric chest X-rays (Kermany et al., wrapped as CR DICOM) through the production path:
/// DICOM reader → pixel pipeline (LUTs, MONOCHROME1) → ChestXrayPreprocessor → ONNX model. The model's answers are
/// REPORTED, not asserted: four images say nothing about accuracy, and the model must not be tuned to them.
/// What is asserted is that the path is well-formed and deterministic, and that it reproduces how the data set
/// was made (these images are part of PneumoniaMNIST, so their 28×28 versions can be found in it).
/// </summary>
public class PediatricChestXrayDicomTests(CommittedModel committed, ITestOutputHelper output) : IClassFixture<CommittedModel>
{
    public static TheoryData<string> Files() => new()
    {
        "peds_cxr_normal_IM-0101-0001_explicitLE.dcm",
        "peds_cxr_normal_NORMAL2-IM-0092-0001_jpegbaseline.dcm",
        "peds_cxr_pneumonia_bacterial_person1_bacteria_1_explicitLE.dcm",
        "peds_cxr_pneumonia_viral_person1_virus_6_jpegbaseline.dcm",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void RunsThroughTheModel_ReportsTheVerdict(string name)
    {
        var path = TestData.File("dicom/derived_pediatric_cxr/" + name);

        using var input = DicomImageInput.ReadFile(path);
        Assert.Equal("CR", input.Attributes.Modality);
        Assert.Contains(committed.Model, committed.Registry.ApplicableTo(input.Attributes));

        var first = committed.Model.Classify(input.Gray8, input.Width, input.Height, input.SopInstanceUid);
        using var reread = DicomImageInput.ReadFile(path);
        var again = committed.Model.Classify(reread.Gray8, input.Width, input.Height, input.SopInstanceUid);

        Assert.Equal(first.Scores["pneumonia"], again.Scores["pneumonia"]);
        Assert.InRange(first.Scores["pneumonia"], 0.0, 1.0);
        Assert.Equal(input.SopInstanceUid, first.InputInstance);
        Assert.StartsWith("1.2.", first.InputInstance);
        output.WriteLine(
            $"{name}: {input.Width}x{input.Height}, P(pneumonia) = {first.Scores["pneumonia"]:F4}, " +
            $"label at '{first.ThresholdName}' {first.Threshold:F4}: {first.Label} " +
            $"(preprocess {first.PreprocessingTime.TotalMilliseconds:F2} ms, inference {first.InferenceTime.TotalMilliseconds:F2} ms)");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Preprocessing_ReproducesTheDataSetsOwnImage(string name)
    {
        // PneumoniaMNIST was made from the same Kermany JPEGs. The nearest 28x28 image in the data set should be
        // this image's own version, close to what our preprocessing makes from the DICOM pixels. Measured with
        // Pillow: mean absolute difference 3-4 grey levels (the exact MedMNIST resampling is not published);
        // different images are 25+ apart.
        using var input = DicomImageInput.ReadFile(TestData.File("dicom/derived_pediatric_cxr/" + name));
        var ours = new byte[28 * 28];
        committed.Model.Preprocessor.CropAndResize(input.Gray8, input.Width, input.Height, ours);

        var arrays = NpzReader.Read(TestData.File("medmnist/pneumoniamnist_28.npz"), k => k.EndsWith("_images", StringComparison.Ordinal));
        var (best, split, index, secondBest) = (double.MaxValue, "", -1, double.MaxValue);
        foreach (var (key, array) in arrays)
        {
            for (var i = 0; i < array.Shape[0]; i++)
            {
                var image = array.Data.AsSpan(i * 784, 784);
                var sum = 0;
                for (var p = 0; p < 784; p++)
                {
                    sum += Math.Abs(image[p] - ours[p]);
                }

                var mean = sum / 784.0;
                if (mean < best)
                {
                    (secondBest, best, split, index) = (best, mean, key, i);
                }
                else if (mean < secondBest)
                {
                    secondBest = mean;
                }
            }
        }

        output.WriteLine($"{name}: nearest data-set image {split}[{index}], mean |diff| {best:F2} grey levels (next {secondBest:F2})");
        Assert.True(best < 6.0, $"nearest data-set image is {best:F2} grey levels away on average: preprocessing differs from how the data set was made");
        Assert.True(secondBest > 2 * best, "the match is not distinctive");
    }
}
