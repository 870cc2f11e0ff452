namespace VNCH.Network.Inference.Registry;

/// <summary>
/// Finds the models folder for a host: an absolute <see cref="InferenceOptions.ModelsPath"/> is used as given; a
/// relative one is looked up beside the binaries first (hosts copy <c>models/**</c> into their output), then in the
/// folders above them (a developer's checkout, where the repository's <c>models/</c> sits at the root).
/// </summary>
public static class ModelsFolder
{
    public static string Resolve(string configuredPath, string baseDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuredPath);
        if (Path.IsPathRooted(configuredPath))
        {
            return configuredPath;
        }

        for (var directory = new DirectoryInfo(baseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, configuredPath);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        // Not found anywhere: keep the path beside the binaries so the registry's warning names a sensible place.
        return Path.Combine(baseDirectory, configuredPath);
    }
}
