using System.Diagnostics;
using System.Text.RegularExpressions;
using VNCH.Network.EndToEnd.Tests.Infrastructure;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>
/// The README's five-minute tour, run by bash exactly as printed. Two substitutions only: a free port instead of
/// 5080, and `dotnet &lt;built dll&gt;` for `dotnet run --project ...`: each
/// `dotnet run` re-evaluates the build (20-40 s on a loaded CI machine, six of them in the tour), which would make this
/// test take minutes. What `dotnet run` adds on a fresh clone, restore, is checked from an empty obj/ by the second
/// test: it must print nothing, so that `A=$(vnch token ...)` captures the token alone.
/// </summary>
public sealed partial class ReadmeTourTests
{
    private const string CliRun = "dotnet run --project src/VNCH.Network.Cli -- ";
    private const string ServerRun = "dotnet run --project src/VNCH.Network.Server -- ";

    [Fact]
    public async Task The_readme_tour_works_as_printed()
    {
        var port = ServerProcess.FreePort();
        var printed = TourScript();
        var script = printed
            .Replace("127.0.0.1:5080", $"127.0.0.1:{port}", StringComparison.Ordinal)
            .Replace(CliRun, $"dotnet {BuiltProgram.CliDll} ", StringComparison.Ordinal)
            .Replace(ServerRun, $"dotnet {BuiltProgram.ServerDll} ", StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:5080", printed, StringComparison.Ordinal);
        Assert.Contains(CliRun, printed, StringComparison.Ordinal);
        Assert.Contains(ServerRun, printed, StringComparison.Ordinal);
        Assert.DoesNotContain("shared/data", printed, StringComparison.Ordinal); // a fresh clone has only what `vnch samples` makes

        using var folder = new TempDirectory("vnch-tour");
        var path = Path.Combine(folder.Path, "tour.sh");
        await File.WriteAllTextAsync(path, script);
        var (exitCode, stdout, stderr) = await RunAsync(TestData.RepositoryRoot, TimeSpan.FromMinutes(4), "setsid", "bash", path);
        var output = $"exit {exitCode}\nstdout:\n{stdout}\nstderr:\n{stderr}";

        Assert.True(exitCode == 0, output);
        Assert.Contains("Tenant bv-nhi-trung-uong", stdout, StringComparison.Ordinal);
        Assert.Contains("Tenant bv-nhi-dong-1", stdout, StringComparison.Ordinal);
        Assert.Contains("Wrote 28 sample files", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", stdout, StringComparison.OrdinalIgnoreCase);
        Assert.True(Regex.Count(stdout, "\"status\":\"accepted\"") >= 2, output); // the CR instance and the FHIR audiogram
        Assert.Contains("\"00081199\"", stdout, StringComparison.Ordinal); // STOW-RS: referenced instances
        Assert.DoesNotContain("\"00081198\"", stdout, StringComparison.Ordinal); // ... and no failed ones
        Assert.Contains("\"modality\":\"CR\"", stdout, StringComparison.Ordinal);
        Assert.Contains("\"resourceType\":\"Bundle\"", stdout, StringComparison.Ordinal);
        Assert.Contains("B asks for A's study: 404", stdout, StringComparison.Ordinal);
        Assert.Contains("Audit hash chain intact.", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restoring_the_tour_projects_from_an_empty_obj_prints_no_warning()
    {
        // A fresh clone has no obj/: restore into empty folders, as the first `dotnet run` of the tour does.
        using var obj = new TempDirectory("vnch-fresh-obj");
        foreach (var project in new[] { "src/VNCH.Network.Cli", "src/VNCH.Network.Server" })
        {
            var (exitCode, stdout, stderr) = await RunAsync(
                TestData.RepositoryRoot, TimeSpan.FromMinutes(4), "dotnet", "restore", project, "--force-evaluate",
                $"-p:RestorePackagesPath={NuGetPackagesFolder()}", $"-p:MSBuildProjectExtensionsPath={Path.Combine(obj.Path, Path.GetFileName(project))}/");
            Assert.True(exitCode == 0, stdout + stderr);
            Assert.DoesNotContain("warning", stdout + stderr, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string NuGetPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static string TourScript()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "README.md"));
        var tour = readme[readme.IndexOf("## Five-minute tour", StringComparison.Ordinal)..];
        return BashBlock().Match(tour).Groups[1].Value;
    }

    /// <summary>Runs a program in its own session and kills the whole session afterwards (the tour starts a server in the background).</summary>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string workingDirectory, TimeSpan timeout, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("VNCH_DATA_PATH");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var timedOut = false;
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
        }
        finally
        {
            if (program == "setsid")
            {
                // setsid made the script the leader of a new process group: end the group (server included).
                using var kill = Process.Start("kill", ["-KILL", "--", $"-{process.Id}"]);
                await kill.WaitForExitAsync();
            }
        }

        if (timedOut)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return (timedOut ? -1 : process.ExitCode, await stdout, await stderr);
    }

    [GeneratedRegex("```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();
}
