namespace Functions.Tasks.WakeUps;

/// <summary>
/// A wake-up could not be armed or disarmed because the service behind it refused or failed: its error type
/// (e.g. ThrottlingException) and whether it was busy (throttled, over quota, unavailable), so a caller may retry.
/// </summary>
public sealed class WakeUpException(string errorType, bool busy, Exception innerException)
    : Exception($"The wake-up service answered {errorType}.", innerException)
{
    public string ErrorType { get; } = errorType;

    public bool Busy { get; } = busy;
}
