namespace Functions.Tasks;

/// <summary>The life of a task (see <see cref="TaskStateMachine"/>). Stored and shown as the lower-case names.</summary>
public enum TaskState
{
    Pending,
    Scheduled,
    Running,
    Retrying,
    Succeeded,
    Failed,
    Cancelled,
}
