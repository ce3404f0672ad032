using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

/// <summary>
/// Issue 11's load script: N recurring schedules firing every minute (<c>cron(* * * * ? *)</c>), created through the
/// local runner (embedded mode, a process of its own) to a loopback target, measured over the next M whole minutes:
/// runs delivered, lateness against each run's minute, and how many were lost or delivered twice. A run's id
/// starts with its occurrence's Unix milliseconds (Functions.Tasks.Recurring.ScheduleIds.RunId), so the target
/// reads the occurrence off the webhook-id it receives.
/// </summary>
internal static class RecurringLoad
{
    public static async Task RunAsync(int schedules, int minutes, int concurrency)
    {
        var arrivals = new ConcurrentDictionary<string, ConcurrentBag<DateTimeOffset>>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var target = builder.Build();
        target.Run(request =>
        {
            arrivals.GetOrAdd(request.Request.Headers["webhook-id"].ToString(), _ => []).Add(DateTimeOffset.UtcNow);
            request.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        await target.StartAsync();

        var (runner, http, data) = await RunnerLoad.StartRunnerAsync();
        using var runnerProcess = runner;
        using var client = http;
        var created = 0;
        var creating = Stopwatch.StartNew();
        await Parallel.ForAsync(0, schedules, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, token) =>
        {
            var body = $$$"""{"schedule_expression": "cron(* * * * ? *)", "url": "{{{target.Urls.First()}}}/minute", "name": "load-{{{i}}}", "data": {"n": {{{i}}}}}""";
            using var response = await client.PostAsync("/api/v1/schedules", new StringContent(body, Encoding.UTF8, "application/json"), token);
            if (response.StatusCode == System.Net.HttpStatusCode.Created)
            {
                Interlocked.Increment(ref created);
            }
        });
        creating.Stop();

        // The first whole minute by which every schedule is waiting on it, then the ones after.
        var now = DateTimeOffset.UtcNow;
        var first = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        var window = Enumerable.Range(0, minutes).Select(m => first.AddMinutes(m)).ToHashSet();
        Console.WriteLine($"created {created}/{schedules} schedules in {creating.Elapsed.TotalSeconds:0.0} s ({created / creating.Elapsed.TotalSeconds:0} per second); measuring the {minutes} minutes from {first:HH:mm:ss}Z");

        var expected = created * minutes;
        var deadline = first.AddMinutes(minutes).AddSeconds(30);
        while (DateTimeOffset.UtcNow < deadline && InWindow(arrivals, window).Count() < expected)
        {
            await Task.Delay(500);
        }

        await Task.Delay(2000);
        var runs = InWindow(arrivals, window).ToList();
        var lateness = runs.Select(r => (r.Arrivals.Min() - r.Occurrence).TotalMilliseconds).OrderBy(x => x).ToList();
        double P(double q) => lateness.Count == 0 ? double.NaN : lateness[Math.Min(lateness.Count - 1, (int)Math.Ceiling(q * lateness.Count) - 1)];
        foreach (var minute in window.Order())
        {
            var these = runs.Where(r => r.Occurrence == minute).Select(r => (r.Arrivals.Min() - minute).TotalMilliseconds).OrderBy(x => x).ToList();
            Console.WriteLine($"  {minute:HH:mm}: {these.Count} runs, lateness p50 {(these.Count == 0 ? double.NaN : these[these.Count / 2]):0} ms, max {(these.Count == 0 ? double.NaN : these[^1]):0} ms");
        }

        Console.WriteLine($"delivered {runs.Count}/{expected} runs ({created} schedules x {minutes} minutes)");
        Console.WriteLine($"lateness against the minute: p50 {P(0.5):0} ms, p99 {P(0.99):0} ms, max {P(1):0} ms, earliest {lateness.FirstOrDefault():0} ms");
        Console.WriteLine($"lost {expected - runs.Count}, delivered more than once {runs.Count(r => r.Arrivals.Count > 1)}, runs outside the window {arrivals.Count - runs.Count}");
        await RunnerLoad.StopRunnerAsync(runner, data);
    }

    /// <summary>The runs whose occurrence (read off the run id) is one of the window's minutes.</summary>
    private static IEnumerable<(DateTimeOffset Occurrence, ConcurrentBag<DateTimeOffset> Arrivals)> InWindow(ConcurrentDictionary<string, ConcurrentBag<DateTimeOffset>> arrivals, HashSet<DateTimeOffset> window) =>
        arrivals
            .Select(a => (Occurrence: DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(a.Key[..12], 16)), Arrivals: a.Value))
            .Where(r => window.Contains(r.Occurrence));
}
