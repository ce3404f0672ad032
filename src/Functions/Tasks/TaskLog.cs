using Microsoft.Extensions.Logging;

namespace Functions.Tasks;

/// <summary>The log scope of work on one task: every line written inside it carries <c>task_id</c>.</summary>
public static class TaskLog
{
    public const string TaskIdKey = "task_id";

    public static IDisposable? BeginTaskScope(this ILogger logger, string taskId)
    {
        ArgumentNullException.ThrowIfNull(logger);
        return logger.BeginScope(new[] { new KeyValuePair<string, object?>(TaskIdKey, taskId) });
    }
}
