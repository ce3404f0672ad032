using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Functions.Tasks.Callers;

/// <summary>
/// API keys: issues them (the key shown once, only its hash kept), lists and revokes them, and tells which caller a
/// presented key belongs to. Several keys may be live for one caller (rotation without a refused request); each is
/// revoked alone. With <paramref name="cacheFor"/> above zero a key's record is reused for that long in this
/// execution environment, so a busy caller's key is not one hot item read on every request (on AWS a revocation
/// then takes effect within that time; locally the cache is off and it takes effect at once).
/// </summary>
public sealed partial class ApiKeyService(IApiKeyStore store, TimeSpan cacheFor, TimeProvider time, ILogger<ApiKeyService> logger)
{
    private readonly ConcurrentDictionary<string, (ApiKeyRecord Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateOnly> _marked = new(StringComparer.Ordinal);

    /// <summary>Issues a key for <paramref name="caller"/>: the record as stored, and the key text, shown this once.</summary>
    public async Task<(ApiKeyRecord Record, string Key)> CreateAsync(string caller, bool isAdmin, CancellationToken cancellationToken)
    {
        if (!CallerNames.IsValid(caller) || caller == Caller.BootstrapName)
        {
            throw new ArgumentException(CallerNames.Rule, nameof(caller));
        }

        var (keyId, key) = ApiKeyText.Generate();
        var record = new ApiKeyRecord { KeyId = keyId, Caller = caller, IsAdmin = isAdmin, Hash = ApiKeyText.Hash(key), CreatedAt = time.GetUtcNow() };
        await store.CreateAsync(record, cancellationToken).ConfigureAwait(false);
        LogCreated(logger, keyId, caller, isAdmin);
        return (record, key);
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    /// <summary>Revokes a key; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        var revoked = await store.RevokeAsync(keyId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        _cache.TryRemove(keyId, out _);
        if (revoked is not null)
        {
            LogRevoked(logger, keyId, revoked.Caller);
        }

        return revoked is not null;
    }

    /// <summary>The caller a presented key belongs to; null when it is not a live key (unknown, wrong secret, revoked).</summary>
    public async Task<Caller?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!ApiKeyText.TryKeyId(presented, out var keyId))
        {
            return null;
        }

        var now = time.GetUtcNow();
        ApiKeyRecord? record;
        if (_cache.TryGetValue(keyId, out var cached) && cached.Until > now)
        {
            record = cached.Key;
        }
        else
        {
            record = await store.FindAsync(keyId, cancellationToken).ConfigureAwait(false);
            if (record is not null && cacheFor > TimeSpan.Zero)
            {
                _cache[keyId] = (record, now + cacheFor);
            }
        }

        if (record is null || record.RevokedAt is not null || !ApiKeyText.Matches(presented, record.Hash))
        {
            return null;
        }

        await MarkUsedAsync(record, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken).ConfigureAwait(false);
        return new Caller(record.Caller, record.IsAdmin);
    }

    /// <summary>At most one write per key and day in an execution environment; a failure to record it refuses nothing.</summary>
    private async Task MarkUsedAsync(ApiKeyRecord record, DateOnly today, CancellationToken cancellationToken)
    {
        if (record.LastUsedOn == today || (_marked.TryGetValue(record.KeyId, out var marked) && marked == today))
        {
            return;
        }

        try
        {
            await store.MarkUsedAsync(record.KeyId, today, cancellationToken).ConfigureAwait(false);
            _marked[record.KeyId] = today;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Deliberately broad: the last-used day is bookkeeping; the request it came with is still authenticated.
            LogMarkFailed(logger, ex, record.KeyId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created API key {KeyId} for caller {Caller} (admin: {IsAdmin})")]
    private static partial void LogCreated(ILogger logger, string keyId, string caller, bool isAdmin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revoked API key {KeyId} of caller {Caller}")]
    private static partial void LogRevoked(ILogger logger, string keyId, string caller);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the use of API key {KeyId}")]
    private static partial void LogMarkFailed(ILogger logger, Exception exception, string keyId);
}
