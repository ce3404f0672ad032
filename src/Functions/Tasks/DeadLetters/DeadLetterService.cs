using Functions.Tasks.Callers;
using Functions.Tasks.Scheduling;
using Functions.Tasks.WakeUps;
using Microsoft.Extensions.Logging;

namespace Functions.Tasks.DeadLetters;

/// <summary>
/// Dead letters, for callers and operators. A caller's dead letters are its tasks that ended failed (the task table
/// is the record; the failed-deliveries queue only announces them); redriving one is a retry by hand
/// (<see cref="TaskRetryService"/>), now, with a fresh attempt budget. Admins see and redrive every caller's, and
/// the system dead-letter queue too: its wake-ups go back on the delivery queue, where the forwarder takes each up
/// as it would have (a wake-up is safe to repeat).
/// </summary>
public sealed partial class DeadLetterService(
    TaskQueries queries,
    ITaskStore store,
    TaskRetryService retries,
    ISystemDeadLetterChannel system,
    IQueuedWakeUps queue,
    TimeProvider time,
    ILogger<DeadLetterService> logger)
{
    /// <summary>The most tasks, and system messages, one redrive takes (the rest: call again while <c>more</c>).</summary>
    public const int MaxPerRequest = 100;

    /// <summary>How many system messages an admin's first page shows.</summary>
    public const int SystemPeek = 10;

    /// <summary>How many retries run at once.</summary>
    private const int Parallel = 8;

    public async Task<DeadLetterList> ListAsync(Caller caller, string? onlyCaller, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var tasks = queries.ListAsync(caller, onlyCaller, TaskState.Failed, limit, cursor, cancellationToken);
        var systemLook = caller.IsAdmin && onlyCaller is null && cursor is null ? LookAsync(cancellationToken) : Task.FromResult<SystemDeadLetters?>(null);
        return new DeadLetterList(await tasks.ConfigureAwait(false), await systemLook.ConfigureAwait(false));
    }

    public async Task<RedriveResult> RedriveAsync(Caller caller, RedriveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (Refusal(caller, request) is { } refusal)
        {
            return refusal;
        }

        var now = time.GetUtcNow();
        IReadOnlyList<TaskRecord> chosen;
        var skipped = new List<RedriveSkip>();
        string? nextCursor = null;
        if (request.TaskIds is { } ids)
        {
            (chosen, var unknown) = await NamedAsync(caller, ids, cancellationToken).ConfigureAwait(false);
            skipped.AddRange(unknown);
        }
        else
        {
            // The same listing GET /api/v1/dead-letters shows (and the same rule on whose).
            switch (await queries.ListAsync(caller, request.Caller, TaskState.Failed, MaxPerRequest, null, cancellationToken).ConfigureAwait(false))
            {
                case ListResult.Listed(var page):
                    (chosen, nextCursor) = (page.Tasks, page.NextCursor);
                    break;
                case ListResult.Forbidden(var message):
                    return new RedriveResult.Forbidden("caller", message);
                default:
                    throw new InvalidOperationException("A first page has no cursor to refuse.");
            }
        }

        var redriven = 0;
        await System.Threading.Tasks.Parallel.ForEachAsync(chosen, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (task, token) =>
        {
            var result = await retries.RetryAsync(task, force: false, now, now, token).ConfigureAwait(false);
            switch (result)
            {
                case RetryResult.Retried or RetryResult.WakeUpFailed:
                    Interlocked.Increment(ref redriven);
                    break;
                case RetryResult.WrongState(var current, _):
                    lock (skipped)
                    {
                        skipped.Add(new RedriveSkip(task.TaskId, TaskStateMachine.Name(current.Status)));
                    }

                    break;
                default:
                    lock (skipped)
                    {
                        skipped.Add(new RedriveSkip(task.TaskId, "not_found"));
                    }

                    break;
            }
        }).ConfigureAwait(false);

        var (systemCount, systemLeft) = request.System == true ? await RedriveSystemAsync(cancellationToken).ConfigureAwait(false) : ((int?)null, 0);
        LogRedriven(logger, caller.Name, redriven, systemCount ?? 0);
        return new RedriveResult.Redriven(redriven, skipped, nextCursor is not null, systemCount, systemLeft);
    }

    private static RedriveResult? Refusal(Caller caller, RedriveRequest request)
    {
        if (!caller.IsAdmin && request.System == true)
        {
            return new RedriveResult.Forbidden("system", "Only an admin caller may redrive the system dead-letter queue.");
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Caller is { } name && !CallerNames.IsValid(name))
        {
            errors["caller"] = [CallerNames.Rule];
        }

        if (request.TaskIds is { } ids)
        {
            if (ids.Length is 0 or > MaxPerRequest)
            {
                errors["task_ids"] = [$"task_ids must hold 1 to {MaxPerRequest} task ids."];
            }

            for (var i = 0; i < ids.Length; i++)
            {
                if (!TaskIds.IsValid(ids[i]))
                {
                    errors[$"task_ids[{i}]"] = ["must be 32 lower-case hexadecimal digits."];
                }
            }

            if (request.Caller is not null)
            {
                errors["caller"] = ["give task_ids or caller, not both."];
            }
        }

        return errors.Count > 0 ? new RedriveResult.Invalid(errors) : null;
    }

    /// <summary>The named tasks the caller may see, each once; the rest as skipped (not found, so another caller's do not leak).</summary>
    private async Task<(IReadOnlyList<TaskRecord> Found, IReadOnlyList<RedriveSkip> Skipped)> NamedAsync(Caller caller, string[] ids, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        var found = (await store.GetManyAsync(distinct, cancellationToken).ConfigureAwait(false)).Where(t => caller.CanSee(t.Caller)).ToList();
        var seen = found.Select(t => t.TaskId).ToHashSet(StringComparer.Ordinal);
        return (found, [.. distinct.Where(id => !seen.Contains(id)).Select(id => new RedriveSkip(id, "not_found"))]);
    }

    private async Task<SystemDeadLetters?> LookAsync(CancellationToken cancellationToken)
    {
        var count = system.CountAsync(cancellationToken);
        var messages = system.PeekAsync(SystemPeek, cancellationToken);
        return new SystemDeadLetters(await count.ConfigureAwait(false), await messages.ConfigureAwait(false));
    }

    /// <summary>
    /// Puts the system queue's wake-ups back on the delivery queue, due now, then deletes each (a crash between the two
    /// wakes one twice, which is harmless). A message without a wake-up is left, and shows again after its hiding.
    /// </summary>
    private async Task<(int?, int)> RedriveSystemAsync(CancellationToken cancellationToken)
    {
        var (moved, left) = (0, 0);
        while (moved + left < MaxPerRequest)
        {
            var batch = await system.ReceiveAsync(Math.Min(10, MaxPerRequest - moved - left), TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                if (DeadLetterWakeUps.Find(message.Body) is not { } wakeUp)
                {
                    left++;
                    continue;
                }

                await queue.SendAsync(wakeUp, 0, cancellationToken).ConfigureAwait(false);
                await system.DeleteAsync(message, cancellationToken).ConfigureAwait(false);
                moved++;
            }
        }

        return (moved, left);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redrive by {Caller}: {Tasks} failed tasks delivered again, {SystemMessages} system dead letters woken again")]
    private static partial void LogRedriven(ILogger logger, string caller, int tasks, int systemMessages);
}
