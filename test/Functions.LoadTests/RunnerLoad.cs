using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// Issue 5's load script: N tasks due in the same second, scheduled through the local runner (embedded mode,
/// a process of its own) to a loopback target; reports deliveries per second, lateness against run_at, and
/// how many were lost or delivered twice.
/// </summary>
internal static class RunnerLoad
{
    public static async Task RunAsync(int count, int concurrency)
    {
        var arrivals = new ConcurrentDictionary<string, ConcurrentBag<DateTimeOffset>>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var target = builder.Build();
        target.Run(http =>
        {
            var now = DateTimeOffset.UtcNow;
            if (http.Request.Path == "/warm-up")
            {
                http.Response.StatusCode = 200;
                return Task.CompletedTask;
            }

            arrivals.GetOrAdd(http.Request.Headers["Idempotency-Key"].ToString(), _ => []).Add(now);
            http.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        await target.StartAsync();

        var (runner, http, data) = await StartRunnerAsync();
        using var runnerProcess = runner;
        using var client = http;

        // Everything due in one second, far enough ahead for scheduling to finish first.
        var runAt = DateTimeOffset.UtcNow.AddSeconds(Math.Max(30, count / 200));
        var runAtText = runAt.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var accepted = new ConcurrentDictionary<string, bool>();
        var scheduling = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, token) =>
        {
            var body = $$$"""{"run_at": "{{{runAtText}}}", "url": "{{{target.Urls.First()}}}/hook", "data": {"n": {{{i}}}}}""";
            using var response = await http.PostAsync("/api/v1/tasks/schedule", new StringContent(body, Encoding.UTF8, "application/json"), token);
            var text = await response.Content.ReadAsStringAsync(token);
            if (response.IsSuccessStatusCode)
            {
                using var json = System.Text.Json.JsonDocument.Parse(text);
                accepted[json.RootElement.GetProperty("task_id").GetString()!] = true;
            }
        });
        scheduling.Stop();

        // The target stands for a caller's running service: its request path is compiled and tiered up before the
        // burst (requests from this process, not through the runner), so the figures measure the runner, not the
        // JIT of this process's own Kestrel sharing the two cores.
        using (var warm = new HttpClient())
        {
            await Parallel.ForAsync(0, 3000, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, token) =>
            {
                using var response = await warm.PostAsync(target.Urls.First() + "/warm-up", new StringContent("{}", Encoding.UTF8, "application/json"), token);
            });
        }

        Console.WriteLine($"scheduled {accepted.Count}/{count} in {scheduling.Elapsed.TotalSeconds:0.0} s ({accepted.Count / scheduling.Elapsed.TotalSeconds:0} per second), all due at {runAtText}; finished {(runAt - DateTimeOffset.UtcNow).TotalSeconds:0.0} s before run_at");

        var deadline = runAt.AddSeconds(Math.Max(120, count / 50));
        while (DateTimeOffset.UtcNow < deadline && arrivals.Count < accepted.Count)
        {
            await Task.Delay(200);
        }

        await Task.Delay(2000);
        var firsts = accepted.Keys.Where(arrivals.ContainsKey).Select(id => arrivals[id].Min()).OrderBy(t => t).ToList();
        var lateness = firsts.Select(t => (t - runAt).TotalMilliseconds).OrderBy(x => x).ToList();
        double P(double q) => lateness.Count == 0 ? double.NaN : lateness[Math.Min(lateness.Count - 1, (int)Math.Ceiling(q * lateness.Count) - 1)];
        var span = firsts.Count > 1 ? (firsts[^1] - firsts[0]).TotalSeconds : double.NaN;
        Console.WriteLine($"delivered {firsts.Count}/{accepted.Count}: {firsts.Count / span:0} deliveries per second (first to last arrival {span:0.00} s)");
        Console.WriteLine($"lateness against run_at: p50 {P(0.5):0} ms, p99 {P(0.99):0} ms, max {P(1):0} ms, earliest {lateness.FirstOrDefault():0} ms");
        Console.WriteLine($"lost {accepted.Count - firsts.Count}, delivered more than once {arrivals.Values.Count(v => v.Count > 1)}");
        await StopRunnerAsync(runner, data);
    }

    /// <summary>The runner as a process of its own (embedded mode, a fresh data folder, logs at WARN), healthy, with a client that holds its token.</summary>
    public static async Task<(Process Runner, HttpClient Http, string Data)> StartRunnerAsync()
    {
        var root = FindRoot();
        var data = Path.Combine(Path.GetTempPath(), "runner-load-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(root, "src", "Functions.Local", "bin", "Release", "net10.0", "Functions.Local.dll"), "--urls", url, "--data-dir", data])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["TASKS_API_TOKEN"] = "load-token";
        start.Environment["AWS_LAMBDA_LOG_LEVEL"] = "WARN";
        var runner = Process.Start(start)!;
        runner.BeginOutputReadLine();
        runner.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "load-token");
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var health = await http.GetAsync("/api/v1/health");
                if (health.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100);
            }
        }

        return (runner, http, data);
    }

    public static async Task StopRunnerAsync(Process runner, string data)
    {
        using var kill = Process.Start("kill", ["-INT", runner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using (var stopped = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            try
            {
                await runner.WaitForExitAsync(stopped.Token);
            }
            catch (OperationCanceledException)
            {
                // SIGINT is ignored when this script itself was started in the background by a non-interactive shell.
                runner.Kill();
                await runner.WaitForExitAsync();
            }
        }

        Directory.Delete(data, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Functions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No Functions.sln above " + AppContext.BaseDirectory);
    }
}
