namespace Functions.Local.Embedded;

/// <summary>A queued wake-up that has become visible.</summary>
public sealed record DueMessage(long Id, string Body, int Receives);
