using System.Text.Json;
using Functions.Serialization;
using Functions.Tasks;
using Microsoft.Extensions.Logging;

namespace Functions.Forwarder;

/// <summary>
/// Parks a failed task's record on the failed-deliveries queue for its caller (and operators): which task, whose,
/// how many attempts, the last
/// result, and where it went (scheme, host and port only: a path or query may carry a credential, as webhook URLs
/// of the Slack kind do). Best effort: the task is recorded failed either way, and a queue that cannot be reached
/// (or an invocation out of time) is logged, not retried.
/// </summary>
public sealed partial class FailedDeliveries(IFailedDeliveryChannel queue, TimeProvider time, ILogger<FailedDeliveries> logger)
{
    public async Task ParkAsync(TaskRecord task, LastResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(result);
        var record = new FailedDeliveryRecord
        {
            TaskId = task.TaskId,
            Caller = task.Caller,
            Attempts = task.Attempts,
            LastStatusCode = result.StatusCode,
            LastError = result.Error,
            Url = new Uri(task.Url).GetLeftPart(UriPartial.Authority),
            FailedAt = Timestamps.Format(time.GetUtcNow()),
        };
        try
        {
            await queue.SendAsync(JsonSerializer.Serialize(record, FunctionsJsonContext.Default.FailedDeliveryRecord), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogParkFailed(logger, ex, task.TaskId);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not park failed task {TaskId} on the failed-deliveries queue")]
    private static partial void LogParkFailed(ILogger logger, Exception exception, string taskId);
}
