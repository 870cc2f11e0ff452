using System.Diagnostics;
using System.Text.Json;
using VNCH.Network.EndToEnd.Tests.Infrastructure;

namespace VNCH.Network.EndToEnd.Tests.Cli;

/// <summary>The built `vnch` as a running process, for tests that act while it runs (kill the server mid-upload).</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly Task<string> stdout;
    private readonly Task<string> stderr;

    private CliProcess(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(BuiltProgram.CliDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start)!;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
    }

    public bool HasExited => process.HasExited;

    public static CliProcess Start(params string[] args) => new(args);

    public async Task<(int ExitCode, string Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cancel.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs to completion and parses the --json report on stdout.</summary>
    public static async Task<(int ExitCode, JsonElement Report, string Stderr)> RunJsonAsync(TimeSpan timeout, params string[] args)
    {
        using var cli = Start(args);
        var (exitCode, output, error) = await cli.WaitAsync(timeout);
        return (exitCode, Parse(output, error), error);
    }

    public static JsonElement Parse(string stdout, string stderr)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(stdout);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"stdout is not the JSON report ({ex.Message}):\n{stdout}\nstderr:\n{stderr}", ex);
        }
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }
}
