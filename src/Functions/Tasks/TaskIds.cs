namespace Functions.Tasks;

/// <summary>Task ids: UUIDv7 in 32 lower-case hex digits, so they sort by creation time.</summary>
public static class TaskIds
{
    public static string New() => Guid.CreateVersion7().ToString("N");

    public static bool IsValid(string? id) => id is { Length: 32 } && id.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c));
}
