using Functions.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Functions.Tests.Support;

/// <summary>The local runner started as a user starts it (its built Functions.Local.dll), on a free port.</summary>
public sealed class RunnerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunnerProcess(Process process, string url)
    {
        _process = process;
        Url = url;
    }

    public string Url { get; }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public static string Dll => Path.Combine(Repository.Root, "src", "Functions.Local", "bin", Repository.Configuration, "net10.0", "Functions.Local.dll");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<RunnerProcess> StartAsync(int port, string dataDirectory, string? awsEndpoint, IDictionary<string, string> environment)
    {
        var url = $"http://127.0.0.1:{port}";
        var arguments = new List<string> { "exec", Dll, "--urls", url, "--data-dir", dataDirectory };
        if (awsEndpoint is not null)
        {
            arguments.AddRange(["--aws-endpoint", awsEndpoint]);
        }

        var start = new ProcessStartInfo("dotnet", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        var runner = new RunnerProcess(process, url);
        process.OutputDataReceived += (_, e) => { lock (runner._output) { runner._output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (runner._output) { runner._output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient();
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The runner exited: " + runner.Output);
            }

            try
            {
                using var response = await http.GetAsync(url + "/api/v1/health");
                if (response.IsSuccessStatusCode)
                {
                    return runner;
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        throw new TimeoutException("The runner did not answer: " + runner.Output);
    }

    /// <summary>Ctrl+C: SIGINT, then wait for a clean exit.</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync();
        }

        // Waits for the process itself on a thread of its own: WaitForExitAsync also waits for the end of the redirected
        // output, which is read on the thread pool, so a busy test host (the whole suite at once) could miss an exit.
        var exited = await Task.Factory.StartNew(() => _process.WaitForExit(TimeSpan.FromSeconds(30)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        if (!exited)
        {
            throw new TimeoutException("The runner did not exit within 30 s of SIGINT. Its output: " + Output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
