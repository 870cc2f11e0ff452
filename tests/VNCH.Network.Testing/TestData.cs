namespace VNCH.Network.Testing;

/// <summary>
/// Locates the real external test data (../shared/data beside the repository, or VNCH_TESTDATA).
/// The data is not ours to commit, so tests read it from there and fail with a clear message when it is absent
/// rather than silently passing.
/// </summary>
public static class TestData
{
    public const string EnvironmentVariable = "VNCH_TESTDATA";

    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The data folder (contains dicom/, ecg/, medmnist/).</summary>
    public static string Root => RootPath.Value;

    /// <summary>The repository root (the folder holding VNCH.Network.sln).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Absolute path of a file under the data folder; fails clearly if it does not exist.</summary>
    public static string File(string relativePath)
    {
        var path = System.IO.Path.Combine(Root, relativePath);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Test data file '{relativePath}' is missing under '{Root}'. The shared data set is incomplete; see ../shared/data/README.md.",
                path);
        }

        return path;
    }

    /// <summary>Absolute path of a folder under the data folder; fails clearly if it does not exist.</summary>
    public static string Directory(string relativePath)
    {
        var path = System.IO.Path.Combine(Root, relativePath);
        if (!System.IO.Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"Test data folder '{relativePath}' is missing under '{Root}'.");
        }

        return path;
    }

    private static string FindRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var candidate = string.IsNullOrWhiteSpace(fromEnvironment)
            ? System.IO.Path.GetFullPath(System.IO.Path.Combine(RepositoryRoot, "..", "shared", "data"))
            : System.IO.Path.GetFullPath(fromEnvironment);

        if (!System.IO.Directory.Exists(System.IO.Path.Combine(candidate, "dicom")))
        {
            throw new DirectoryNotFoundException(
                $"The external test data was not found at '{candidate}'. Set {EnvironmentVariable} to the folder that holds " +
                "dicom/, ecg/ and medmnist/ (by default ../shared/data beside the repository).");
        }

        return candidate;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "VNCH.Network.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Could not find VNCH.Network.sln above the test binaries.");
    }
}
