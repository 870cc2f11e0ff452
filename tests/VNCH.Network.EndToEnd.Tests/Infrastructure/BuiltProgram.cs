using System.Diagnostics;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Infrastructure;

/// <summary>The server and CLI as built by this test project's build (same configuration), run with `dotnet dll`.</summary>
public static class BuiltProgram
{
    public static readonly string Configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    public static string ServerDll => Locate("src/VNCH.Network.Server", "VNCH.Network.Server.dll");

    public static string CliDll => Locate("src/VNCH.Network.Cli", "vnch.dll");

    /// <summary>Runs the CLI to completion; returns exit code, stdout and stderr.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] args) => RunCliAsync(new Dictionary<string, string?>(), args);

    /// <summary>Runs the CLI with extra environment variables (a null value removes the variable).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        start.ArgumentList.Add(CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Locate(string project, string dll)
    {
        var path = Path.Combine(TestData.RepositoryRoot, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{dll} was not built for configuration {Configuration}; build the solution first.", path);
    }
}
