using Functions.Tasks.Scheduling;

namespace Functions.Tasks.DeadLetters;

/// <summary>A page of dead letters: the failed tasks (as a task listing ends), and for an admin's first page the system queue's.</summary>
public sealed record DeadLetterList(ListResult Tasks, SystemDeadLetters? System);

/// <summary>The system dead-letter queue at a look: about how many wait, and the first few.</summary>
public sealed record SystemDeadLetters(long Count, IReadOnlyList<SystemDeadLetter> Messages);

/// <summary>How a redrive ended.</summary>
public abstract record RedriveResult
{
    private RedriveResult()
    {
    }

    /// <summary>
    /// <see cref="Count"/> tasks delivered again; <see cref="Skipped"/> named ones that could not be (not found, or no
    /// longer failed); <see cref="More"/> when more dead letters wait than one request redrives. The system queue's
    /// count (null when it was not asked for), and how many of its messages carried no wake-up and were left.
    /// </summary>
    public sealed record Redriven(int Count, IReadOnlyList<RedriveSkip> Skipped, bool More, int? SystemCount, int SystemLeft) : RedriveResult;

    /// <summary>Nothing was redriven: every problem named by its field.</summary>
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : RedriveResult;

    /// <summary>A non-admin asked for another caller's dead letters or the system queue.</summary>
    public sealed record Forbidden(string Field, string Message) : RedriveResult;
}

/// <summary>A named task a redrive left: <c>not_found</c>, or the status that is not failed.</summary>
public sealed record RedriveSkip(string TaskId, string Reason);
