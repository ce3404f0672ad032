namespace Functions.Tasks.WakeUps;

/// <summary>The delivery queue: wake-ups that become visible to the forwarder after a delay, to the second.</summary>
public interface IQueuedWakeUps
{
    /// <summary>Puts a wake-up on the queue, visible after <paramref name="delaySeconds"/> (0-900).</summary>
    /// <exception cref="WakeUpException">The service refused or failed.</exception>
    Task SendAsync(WakeUpMessage message, int delaySeconds, CancellationToken cancellationToken);
}
