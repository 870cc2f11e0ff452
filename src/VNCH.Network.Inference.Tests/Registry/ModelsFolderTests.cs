using VNCH.Network.Inference.Registry;
using VNCH.Network.Testing;

namespace VNCH.Network.Inference.Tests.Registry;

public class ModelsFolderTests
{
    [Fact]
    public void Relative_path_is_found_in_a_parent_folder_when_not_beside_the_binaries()
    {
        using var root = new TempDirectory("vnch-models");
        var models = Directory.CreateDirectory(Path.Combine(root.Path, "models")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(root.Path, "src", "Host", "bin")).FullName;

        Assert.Equal(models, ModelsFolder.Resolve("models", bin));
    }

    [Fact]
    public void The_folder_beside_the_binaries_wins_over_a_parent()
    {
        using var root = new TempDirectory("vnch-models");
        Directory.CreateDirectory(Path.Combine(root.Path, "models"));
        var bin = Directory.CreateDirectory(Path.Combine(root.Path, "bin")).FullName;
        var beside = Directory.CreateDirectory(Path.Combine(bin, "models")).FullName;

        Assert.Equal(beside, ModelsFolder.Resolve("models", bin));
    }

    [Fact]
    public void Absolute_paths_are_kept_and_a_missing_folder_points_beside_the_binaries()
    {
        using var root = new TempDirectory("vnch-models");
        var absolute = Path.Combine(root.Path, "elsewhere");

        Assert.Equal(absolute, ModelsFolder.Resolve(absolute, root.Path));
        Assert.Equal(Path.Combine(root.Path, "no-such-models-folder-xyz"), ModelsFolder.Resolve("no-such-models-folder-xyz", root.Path));
    }
}
