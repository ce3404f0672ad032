namespace Functions.Tasks.Callers;

/// <summary>Where API keys are kept (hashed): the tasks table on AWS, the embedded database locally.</summary>
public interface IApiKeyStore
{
    Task CreateAsync(ApiKeyRecord key, CancellationToken cancellationToken);

    Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken);

    /// <summary>Every key, newest first (revoked ones included, marked).</summary>
    Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Marks the key revoked (once: a second revoke keeps the first time). The key as it is now, or null.</summary>
    Task<ApiKeyRecord?> RevokeAsync(string keyId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Records the day a key was last used.</summary>
    Task MarkUsedAsync(string keyId, DateOnly day, CancellationToken cancellationToken);
}
