using Functions.Tasks.Callers;

namespace Functions.Tasks.Scheduling;

/// <summary>
/// Reading tasks on a caller's behalf: a caller sees only its own (another caller's task is not found, so its
/// existence does not leak); an admin sees every caller's, and may narrow a listing to one caller.
/// </summary>
public sealed class TaskQueries(ITaskStore store)
{
    public async Task<TaskRecord?> GetAsync(Caller caller, string taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var task = await store.GetAsync(taskId, cancellationToken).ConfigureAwait(false);
        return task is not null && caller.CanSee(task.Caller) ? task : null;
    }

    /// <summary>
    /// A page of tasks. <paramref name="onlyCaller"/> narrows an admin's listing; a caller that is not an admin always
    /// lists its own, and naming another caller is refused.
    /// </summary>
    public async Task<ListResult> ListAsync(Caller caller, string? onlyCaller, TaskState? status, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAdmin && onlyCaller is not null && onlyCaller != caller.Name)
        {
            return new ListResult.Forbidden("Only an admin caller may list another caller's tasks.");
        }

        try
        {
            var filter = new TaskFilter(caller.IsAdmin ? onlyCaller : caller.Name, status);
            return new ListResult.Listed(await store.ListAsync(filter, limit, cursor, cancellationToken).ConfigureAwait(false));
        }
        catch (FormatException ex)
        {
            return new ListResult.BadCursor(ex.Message);
        }
    }
}

/// <summary>How a listing ended: a page, a cursor that is not this listing's, or a filter the caller may not use.</summary>
public abstract record ListResult
{
    private ListResult()
    {
    }

    public sealed record Listed(TaskPage Page) : ListResult;

    public sealed record BadCursor(string Message) : ListResult;

    public sealed record Forbidden(string Message) : ListResult;
}
