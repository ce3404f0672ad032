using System.Text.RegularExpressions;
using Functions.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Functions.Local.Firing;

/// <summary>
/// Plays the recurring schedules the template gives functions ([RecurringSchedule], e.g. the sweeper's
/// rate(5 minutes)): each such function of the catalog is invoked at its rate, in both modes.
/// </summary>
public sealed partial class RecurringClock(LocalFunctions functions, TimeProvider time, ILogger<RecurringClock> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(FunctionCatalog.All
            .Where(f => f.RecurringSchedule is not null)
            .Select(f => (f.Name, Rate: Rate(f.RecurringSchedule!)))
            .Where(f => f.Rate is not null)
            .Select(f => RunAsync(f.Name, f.Rate!.Value, stoppingToken)));

    /// <summary>The period of <c>rate(N unit)</c>; null for cron expressions (not played locally).</summary>
    public static TimeSpan? Rate(string expression)
    {
        var match = RateExpression().Match(expression);
        if (!match.Success)
        {
            return null;
        }

        var n = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "minute" or "minutes" => TimeSpan.FromMinutes(n),
            "hour" or "hours" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    private async Task RunAsync(string name, TimeSpan period, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, time);
        while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var host = functions.Get(name);
                using var input = new MemoryStream("{}"u8.ToArray());
                var context = new InvocationContext(Guid.NewGuid().ToString(), time.GetUtcNow().AddSeconds(host.Function.Timeout), $"arn:aws:lambda:local:000000000000:function:{name}", null, CancellationToken.None);
                await using var _ = await host.EntryPoint(input, context).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, name);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^rate\((\d+) (minutes?|hours?|days?)\)$")]
    private static partial Regex RateExpression();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recurring invocation of {Function} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
