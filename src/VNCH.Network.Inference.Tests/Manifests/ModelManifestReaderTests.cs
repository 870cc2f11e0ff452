using System.Text.Json.Nodes;
using VNCH.Network.Inference.Manifests;
using VNCH.Network.Testing;

namespace VNCH.Network.Inference.Tests.Manifests;

public class ModelManifestReaderTests
{
    [Fact]
    public void Read_CommittedManifest_IsCompleteAndConsistent()
    {
        var manifest = ModelManifestReader.Read(Path.Combine(CommittedModel.Directory, "model.json"));

        Assert.Equal(CommittedModel.Id, manifest.Id);
        Assert.Equal(["normal", "pneumonia"], manifest.Labels);
        Assert.Equal([1, 1, 28, 28], manifest.Input.Shape);
        Assert.Equal("balanced", manifest.DefaultThreshold.Name);
        Assert.Contains("validation", manifest.DefaultThreshold.Rule);
        Assert.True(manifest.Applicability.Matches(new ImagingAttributes("imaging", "CR", "CHEST", "AP", "1.2.840.10008.5.1.4.1.1.1")));
        Assert.Contains("test", manifest.Metrics.Keys);
    }

    [Theory]
    [InlineData("sha256", "\"abc\"", "sha256 must be 64 hexadecimal digits")]
    [InlineData("file", "\"../outside.onnx\"", "plain file name")]
    [InlineData("task", "\"segmentation\"", "task 'segmentation' is not supported")]
    [InlineData("labels", "[\"only-one\"]", "exactly two non-empty labels")]
    [InlineData("thresholds", "[{\"name\":\"t\",\"value\":1.5,\"rule\":\"r\"}]", "must be within [0, 1]")]
    [InlineData("thresholds", "[{\"name\":\"t\",\"value\":0.5,\"rule\":\"\"}]", "must say how it was chosen")]
    [InlineData("id", "\"has space\"", "id 'has space'")]
    public void Read_InvalidField_NamesTheProblem(string field, string json, string expected)
    {
        using var temp = new TempDirectory();
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(CommittedModel.Directory, "model.json")))!.AsObject();
        node[field] = JsonNode.Parse(json);
        var path = Path.Combine(temp.Path, "model.json");
        File.WriteAllText(path, node.ToJsonString());

        var ex = Assert.Throws<ModelManifestException>(() => ModelManifestReader.Read(path));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Read_MissingRequiredField_IsAClearError()
    {
        using var temp = new TempDirectory();
        var node = JsonNode.Parse(File.ReadAllText(Path.Combine(CommittedModel.Directory, "model.json")))!.AsObject();
        node.Remove("intendedUse");
        var path = Path.Combine(temp.Path, "model.json");
        File.WriteAllText(path, node.ToJsonString());

        var ex = Assert.Throws<ModelManifestException>(() => ModelManifestReader.Read(path));

        Assert.Contains("intendedUse", ex.Message);
    }

    [Fact]
    public void Read_NotJson_IsAClearError()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "model.json");
        File.WriteAllText(path, "{ this is not json");

        Assert.Throws<ModelManifestException>(() => ModelManifestReader.Read(path));
    }

    [Theory]
    [InlineData("CR", "CHEST", "PA", true)]
    [InlineData("dx", "chest", "ap", true)]
    [InlineData("CT", "CHEST", "AP", false)]
    [InlineData("CR", "HAND", "PA", false)]
    [InlineData("CR", "CHEST", "LL", false)]
    [InlineData("CR", null, "PA", false)]
    public void Applicability_MatchesModalityBodyPartAndView(string modality, string? bodyPart, string view, bool expected)
    {
        var applicability = new ModelApplicability
        {
            Modalities = ["CR", "DX"],
            BodyPartsExamined = ["CHEST"],
            ViewPositions = ["AP", "PA"],
        };

        Assert.Equal(expected, applicability.Matches(new ImagingAttributes("imaging", modality, bodyPart, view, null)));
    }
}
