namespace Functions.Tasks.Requests;

/// <summary>What a delivery calls, checked: the URL, method, headers, data (raw JSON object text), attempts and timeout.</summary>
public sealed record TaskTarget(string Url, string Method, IReadOnlyDictionary<string, string> Headers, string Data, int MaxAttempts, int TimeoutSeconds);
