namespace Functions.Tasks;

/// <summary>
/// Where every task that ends failed (its target refused it, or its attempts ran out) is parked for its caller to
/// look at: the failed-deliveries queue. Not the system dead-letter queue, which receives only what the platform
/// could not hand to the code, so that its alarm means "our fault".
/// </summary>
public interface IFailedDeliveryChannel
{
    Task SendAsync(string body, CancellationToken cancellationToken);
}
