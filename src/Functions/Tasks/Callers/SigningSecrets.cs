using System.Collections.Concurrent;
using Functions.Webhooks;

namespace Functions.Tasks.Callers;

/// <summary>
/// Each caller's webhook signing secrets, so one caller cannot make the service sign a body another caller's receiver
/// would trust. Nothing new is stored: a caller's secret of generation g is HKDF-SHA256 of the service's master
/// secret with the context <c>delayed-http-tasks/caller/{name}/{g}</c> (<see cref="WebhookKey.Derive"/>); only the
/// generation numbers are kept (<see cref="ICallerSecretStore"/>). A rotation starts generation g + 1 and keeps g
/// signing beside it for the grace period. The bootstrap caller's secret is the master secret itself, which the
/// built-in callback routes verify with; it rotates with the master (its SSM parameter holds the keys newest first).
/// When the master holds several keys (its own rotation), every caller gets one derived key from each.
/// Generations are reused for <paramref name="cacheFor"/> in an execution environment, so a busy caller's record is
/// not read on every delivery; a rotation therefore starts signing within that time (the old one signs on).
/// </summary>
public sealed class SigningSecrets(IReadOnlyList<WebhookKey> master, ICallerSecretStore store, TimeSpan cacheFor, TimeSpan grace, TimeProvider time)
{
    /// <summary>How long the previous secret keeps signing after a rotation, unless configured otherwise.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(24);

    // The derived keys are kept with the generations they come from: a delivery neither reads nor derives again.
    private readonly ConcurrentDictionary<string, (SecretGenerations Generations, IReadOnlyList<WebhookKey> Keys, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>The keys that sign <paramref name="caller"/>'s deliveries now, newest first.</summary>
    public async Task<IReadOnlyList<WebhookKey>> KeysAsync(string caller, CancellationToken cancellationToken)
    {
        if (caller == Caller.BootstrapName)
        {
            return master;
        }

        var now = time.GetUtcNow();
        if (_cache.TryGetValue(caller, out var cached) && cached.Until > now && cached.Generations.Live(now).Count == cached.Keys.Count / master.Count)
        {
            return cached.Keys;
        }

        var generations = await store.GetAsync(caller, cancellationToken).ConfigureAwait(false);
        var keys = Derive(caller, generations.Live(now));
        if (cacheFor > TimeSpan.Zero)
        {
            _cache[caller] = (generations, keys, now + cacheFor);
        }

        return keys;
    }

    /// <summary>The caller's live secrets as shown to it, and until when the previous one signs.</summary>
    public async Task<CallerSecrets> ShowAsync(string caller, CancellationToken cancellationToken)
    {
        if (caller == Caller.BootstrapName)
        {
            return new CallerSecrets([.. master.Select(k => k.Reveal())], null, null);
        }

        var generations = await store.GetAsync(caller, cancellationToken).ConfigureAwait(false);
        return Show(caller, generations);
    }

    /// <summary>
    /// Starts a new secret for <paramref name="caller"/>; the current one signs on for the grace period. Refused while
    /// a previous rotation's grace runs (two live secrets at most, and the one in its grace keeps its promised time).
    /// </summary>
    public async Task<RotationResult> RotateAsync(string caller, CancellationToken cancellationToken)
    {
        if (caller == Caller.BootstrapName)
        {
            return new RotationResult.Bootstrap();
        }

        var now = time.GetUtcNow();
        var current = await store.GetAsync(caller, cancellationToken).ConfigureAwait(false);
        if (current.Live(now).Count > 1)
        {
            return new RotationResult.InGrace(current.PreviousUntil!.Value);
        }

        var generations = await store.RotateAsync(caller, now + grace, cancellationToken).ConfigureAwait(false);
        _cache.TryRemove(caller, out _);
        return new RotationResult.Rotated(Show(caller, generations));
    }

    private CallerSecrets Show(string caller, SecretGenerations generations)
    {
        var live = generations.Live(time.GetUtcNow());
        return new CallerSecrets([.. Derive(caller, live).Select(k => k.Reveal())], live.Count > 1 ? generations.PreviousUntil : null, generations.Current);
    }

    private List<WebhookKey> Derive(string caller, IReadOnlyList<int> generations) =>
        [.. generations.SelectMany(g => master.Select(m => m.Derive($"delayed-http-tasks/caller/{caller}/{g}")))];
}

/// <summary>A caller's live secrets (<c>whsec_…</c>, newest first), until when the previous one signs, and the generation.</summary>
public sealed record CallerSecrets(IReadOnlyList<string> Secrets, DateTimeOffset? PreviousUntil, int? Generation);

/// <summary>How a rotation ended: a new secret, the bootstrap caller (it rotates with the master), or one still in its grace.</summary>
public abstract record RotationResult
{
    private RotationResult()
    {
    }

    public sealed record Rotated(CallerSecrets Secrets) : RotationResult;

    public sealed record Bootstrap : RotationResult;

    public sealed record InGrace(DateTimeOffset Until) : RotationResult;
}
