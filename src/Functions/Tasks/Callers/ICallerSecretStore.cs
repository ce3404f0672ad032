namespace Functions.Tasks.Callers;

/// <summary>
/// Which generations of a caller's signing secret are live. The secrets themselves are derived, never stored
/// (<see cref="SigningSecrets"/>); only the generation numbers and the end of the previous one's grace are.
/// </summary>
public interface ICallerSecretStore
{
    /// <summary>The caller's generations; <see cref="SecretGenerations.Initial"/> when it never rotated.</summary>
    Task<SecretGenerations> GetAsync(string caller, CancellationToken cancellationToken);

    /// <summary>Starts generation current + 1; the current one keeps signing until <paramref name="previousUntil"/>.</summary>
    Task<SecretGenerations> RotateAsync(string caller, DateTimeOffset previousUntil, CancellationToken cancellationToken);
}

/// <summary>The current generation, and the previous one with the end of its grace period (if any).</summary>
public sealed record SecretGenerations(int Current, int? Previous, DateTimeOffset? PreviousUntil)
{
    public static SecretGenerations Initial { get; } = new(1, null, null);

    /// <summary>The generations that sign at <paramref name="now"/>, newest first.</summary>
    public IReadOnlyList<int> Live(DateTimeOffset now) =>
        Previous is { } previous && PreviousUntil is { } until && until > now ? [Current, previous] : [Current];
}
