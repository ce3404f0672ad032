namespace Functions.Tasks.DeadLetters;

/// <summary>
/// The system dead-letter queue: what the platform could not hand to the code (a forwarder invocation that failed
/// after Lambda's retries, a schedule Scheduler could not invoke, a wake-up that failed five receives). Only wake-ups
/// land there, never a payload: each can be woken again. On SQS, and on the runner's embedded queues.
/// </summary>
public interface ISystemDeadLetterChannel
{
    /// <summary>About how many messages wait there (SQS's ApproximateNumberOfMessages).</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> messages, looked at without taking them (they stay visible).</summary>
    Task<IReadOnlyList<SystemDeadLetter>> PeekAsync(int max, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> messages, hidden from other readers for <paramref name="hideFor"/> while they are redriven.</summary>
    Task<IReadOnlyList<SystemDeadLetter>> ReceiveAsync(int max, TimeSpan hideFor, CancellationToken cancellationToken);

    /// <summary>Deletes a message received with <see cref="ReceiveAsync"/> (it was redriven).</summary>
    Task DeleteAsync(SystemDeadLetter message, CancellationToken cancellationToken);
}

/// <summary>One message of the system dead-letter queue; <see cref="Handle"/> is the queue's own (a receipt handle).</summary>
public sealed record SystemDeadLetter(string MessageId, string Body, DateTimeOffset? SentAt, int ReceiveCount, string Handle);
