namespace Functions.Tasks;

/// <summary>Where deliveries that were given up are parked for operators (the alarm watches it).</summary>
public interface IDeadLetterChannel
{
    Task SendAsync(string body, CancellationToken cancellationToken);
}
