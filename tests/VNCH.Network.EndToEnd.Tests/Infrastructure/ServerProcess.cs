using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using VNCH.Network.Testing;

namespace VNCH.Network.EndToEnd.Tests.Infrastructure;

/// <summary>The embedded server as a real process on 127.0.0.1 and a free port; killable and restartable.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly string dataPath;
    private readonly IReadOnlyList<string> extraArguments;
    private readonly ConcurrentQueue<string> output = new();
    private Process? process;

    /// <param name="extraArguments">More configuration for this server (e.g. <c>--Vnch:Reporting:RefreshInterval=00:00:00</c>).</param>
    public ServerProcess(string dataPath, int? port = null, IReadOnlyList<string>? extraArguments = null)
    {
        this.dataPath = dataPath;
        this.extraArguments = extraArguments ?? [];
        Port = port ?? FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>The last lines the server wrote (for failure messages).</summary>
    public string RecentOutput => string.Join('\n', output.TakeLast(60));

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     BuiltProgram.ServerDll, "--urls", BaseAddress.ToString().TrimEnd('/'), "--data-path", dataPath,
                     "--Embedded:InboxScanInterval=00:00:00.300", "--Logging:LogLevel:Default=Warning",
                     $"--Inference:ModelsPath={Path.Combine(TestData.RepositoryRoot, "models")}",
                 }.Concat(extraArguments))
        {
            start.ArgumentList.Add(arg);
        }

        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode}:\n{RecentOutput}");
            }

            try
            {
                if ((await http.GetAsync("/api/health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The server did not answer /api/health within 60 s:\n{RecentOutput}");
    }

    /// <summary>Kills the process abruptly (no graceful shutdown), as a crash or power cut would.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200 && output.TryDequeue(out _))
        {
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
