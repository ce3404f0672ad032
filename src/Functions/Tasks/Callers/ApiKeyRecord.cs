namespace Functions.Tasks.Callers;

/// <summary>
/// One API key as stored: never the key itself, only its SHA-256 (<see cref="ApiKeyText.Hash"/>). A key is 256 random
/// bits, so a fast hash is the right one (a slow password hash buys nothing against guessing 2^256).
/// </summary>
public sealed record ApiKeyRecord
{
    public required string KeyId { get; init; }
    public required string Caller { get; init; }
    public required bool IsAdmin { get; init; }

    /// <summary>SHA-256 of the whole key text, lower-case hex.</summary>
    public required string Hash { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The last UTC day the key authenticated a request (to the day, so using a key costs no write per request).</summary>
    public DateOnly? LastUsedOn { get; init; }

    /// <summary>When the key was revoked; a revoked key authenticates nothing.</summary>
    public DateTimeOffset? RevokedAt { get; init; }
}
