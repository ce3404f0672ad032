namespace Functions.Forwarder;

/// <summary>The target's address is one a delivery must never reach (checked after resolution, at connect).</summary>
public sealed class BlockedTargetException(string host, string detail) : Exception($"Target {host} refused: {detail}")
{
    public string Host { get; } = host;
}
