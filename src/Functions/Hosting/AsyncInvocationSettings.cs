namespace Functions.Hosting;

/// <summary>A function's asynchronous invocation settings.</summary>
public sealed record AsyncInvocationSettings(int MaximumRetryAttempts, int MaximumEventAgeInSeconds, string? OnFailureQueue);
