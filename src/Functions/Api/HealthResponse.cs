namespace Functions.Api;

/// <summary>The health answer: up, and which build.</summary>
public sealed record HealthResponse(string Status, string Version);
