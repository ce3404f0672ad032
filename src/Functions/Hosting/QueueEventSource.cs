namespace Functions.Hosting;

/// <summary>An SQS event source of a function.</summary>
public sealed record QueueEventSource(string Queue, int BatchSize, string? MaximumConcurrency = null);
