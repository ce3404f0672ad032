namespace Functions.Tasks;

/// <summary>
/// The one place that names the legal moves; the store turns each into a conditional write, so two functions
/// racing for one task can never both win. Who owns each move:
/// <list type="bullet">
/// <item>pending → scheduled: ScheduleTaskFunction, after CreateSchedule answered.</item>
/// <item>pending → failed: ScheduleTaskFunction, when CreateSchedule failed (no schedule exists).</item>
/// <item>pending | scheduled | retrying → running: the forwarder, claiming an attempt (<see cref="CanClaim"/>).
///   Pending is claimable because the wake-up can exist before its ARN was recorded.</item>
/// <item>running → running: the forwarder, re-claiming an attempt whose lease ran out (its worker died mid-call;
///   the invocation's retry or the queue's redelivery brings it back). Only by lease expiry, never otherwise.</item>
/// <item>running → succeeded | retrying | failed: the forwarder, recording the attempt's outcome.</item>
/// <item>pending | scheduled | retrying → cancelled: CancelTaskFunction. Running and finished tasks cannot be cancelled.</item>
/// <item>failed | succeeded → pending: TaskRetryService, a retry by hand with a fresh attempt budget (succeeded only
///   when forced, which the service checks). The only move out of a final state; cancelled stays cancelled.</item>
/// </list>
/// </summary>
public static class TaskStateMachine
{
    private static readonly Dictionary<TaskState, TaskState[]> Sources = new()
    {
        [TaskState.Pending] = [TaskState.Failed, TaskState.Succeeded],
        [TaskState.Scheduled] = [TaskState.Pending],
        [TaskState.Running] = [TaskState.Pending, TaskState.Scheduled, TaskState.Retrying],
        [TaskState.Retrying] = [TaskState.Running],
        [TaskState.Succeeded] = [TaskState.Running],
        [TaskState.Failed] = [TaskState.Pending, TaskState.Running],
        [TaskState.Cancelled] = [TaskState.Pending, TaskState.Scheduled, TaskState.Retrying],
    };

    /// <summary>The states from which <paramref name="to"/> may be entered.</summary>
    public static IReadOnlyList<TaskState> LegalSources(TaskState to) => Sources[to];

    public static bool CanMove(TaskState from, TaskState to) => Array.IndexOf(Sources[to], from) >= 0;

    /// <summary>
    /// The claim rule, the one both stores hold (DynamoDB as a condition expression, SQLite as this call): a task is
    /// claimable when it is due by <paramref name="dueBy"/> (a stale wake-up must never skip a backoff) and either
    /// its status may move to running, or it is running under a lease that ran out before <paramref name="now"/>.
    /// </summary>
    public static bool CanClaim(TaskRecord task, DateTimeOffset now, DateTimeOffset dueBy)
    {
        ArgumentNullException.ThrowIfNull(task);
        return task.RunAt <= dueBy
            && (CanMove(task.Status, TaskState.Running) || (task.Status == TaskState.Running && task.LeaseUntil < now));
    }

    /// <summary>Succeeded, failed and cancelled are final: only a retry by hand leaves them, and TTL may expire them meanwhile.</summary>
    public static bool IsFinal(TaskState state) => state is TaskState.Succeeded or TaskState.Failed or TaskState.Cancelled;

    public static string Name(TaskState state) => state switch
    {
        TaskState.Pending => "pending",
        TaskState.Scheduled => "scheduled",
        TaskState.Running => "running",
        TaskState.Retrying => "retrying",
        TaskState.Succeeded => "succeeded",
        TaskState.Failed => "failed",
        TaskState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static bool TryParse(string? name, out TaskState state)
    {
        foreach (var candidate in Enum.GetValues<TaskState>())
        {
            if (string.Equals(Name(candidate), name, StringComparison.Ordinal))
            {
                state = candidate;
                return true;
            }
        }

        state = default;
        return false;
    }
}
