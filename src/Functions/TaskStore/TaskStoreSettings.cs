namespace Functions.TaskStore;

/// <summary>The tasks table's name, and how long finished tasks (and idempotency keys) are kept.</summary>
public sealed record TaskStoreSettings(string TableName, TimeSpan Retention);
