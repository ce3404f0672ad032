namespace Functions.Tasks.Callers;

/// <summary>
/// Who is asking: a named calling service (<c>billing</c>, <c>emails</c>, …) and whether it may manage keys and see
/// every caller's tasks. Every task belongs to the caller that scheduled it; a caller sees only its own.
/// </summary>
public sealed record Caller(string Name, bool IsAdmin)
{
    /// <summary>The caller of the bootstrap key (TASKS_API_TOKEN / the SSM parameter), and of tasks from before callers.</summary>
    public const string BootstrapName = "admin";

    /// <summary>The bootstrap key's caller: an admin.</summary>
    public static Caller Bootstrap { get; } = new(BootstrapName, true);

    /// <summary>Whether this caller may see (and cancel) a task of <paramref name="owner"/>.</summary>
    public bool CanSee(string owner) => IsAdmin || string.Equals(owner, Name, StringComparison.Ordinal);
}

/// <summary>The rule for caller names: 1 to 64 of <c>a-z</c>, <c>0-9</c> and <c>-</c> (they become key prefixes).</summary>
public static class CallerNames
{
    public const int MaxLength = 64;

    public const string Rule = "caller must be 1 to 64 characters of a-z, 0-9 and '-'.";

    /// <summary>Why no key may be issued for the bootstrap caller: its key is the bootstrap key, and it signs with the master secret.</summary>
    public const string Reserved = "caller 'admin' is the bootstrap key's own; name another caller (with \"admin\": true for an admin).";

    public static bool IsValid([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? name) =>
        name is { Length: > 0 and <= MaxLength } && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');
}
