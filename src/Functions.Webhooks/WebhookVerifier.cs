using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Functions.Webhooks;

/// <summary>Why a delivery was refused; <see cref="Valid"/> when it was not.</summary>
public enum WebhookVerification
{
    /// <summary>Signed by a key the receiver holds, within the tolerance.</summary>
    Valid,

    /// <summary>A webhook-* header is missing or empty.</summary>
    MissingHeaders,

    /// <summary>webhook-timestamp is not unix seconds.</summary>
    BadTimestamp,

    /// <summary>Older than the tolerance: a replay, or a clock far behind.</summary>
    TimestampTooOld,

    /// <summary>Newer than the tolerance: a clock far ahead.</summary>
    TimestampTooNew,

    /// <summary>No v1 signature matches any key: tampered body or headers, or an unknown key.</summary>
    NoMatchingSignature,
}

/// <summary>
/// Verifies a Standard Webhooks delivery: the <c>webhook-id</c>, <c>webhook-timestamp</c> and
/// <c>webhook-signature</c> headers against the raw body exactly as received (never a re-serialized copy),
/// with a tolerance on the timestamp (5 minutes by default) so a captured delivery cannot be replayed
/// later, and a constant-time comparison against every key the receiver holds (so keys can be rotated).
/// Receivers should also drop a <c>webhook-id</c> they have already processed.
/// </summary>
/// <example>
/// <code>
/// var verifier = new WebhookVerifier(WebhookKey.ParseList(secret), TimeProvider.System);
/// var result = verifier.Verify(headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], rawBody);
/// if (result != WebhookVerification.Valid) return 401;
/// </code>
/// </example>
public sealed class WebhookVerifier(IReadOnlyList<WebhookKey> keys, TimeProvider time, TimeSpan? tolerance = null)
{
    /// <summary>Five minutes, as Standard Webhooks recommends.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private readonly TimeSpan _tolerance = tolerance ?? DefaultTolerance;

    /// <summary>Checks one delivery; <paramref name="body"/> is the raw body exactly as received.</summary>
    public WebhookVerification Verify(string? id, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signature))
        {
            return WebhookVerification.MissingHeaders;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return WebhookVerification.BadTimestamp;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (seconds < now - (long)_tolerance.TotalSeconds)
        {
            return WebhookVerification.TimestampTooOld;
        }

        if (seconds > now + (long)_tolerance.TotalSeconds)
        {
            return WebhookVerification.TimestampTooNew;
        }

        foreach (var key in keys)
        {
            var expected = Encoding.ASCII.GetBytes(key.Sign(id, seconds, body));
            foreach (var entry in signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var comma = entry.IndexOf(',', StringComparison.Ordinal);
                if (comma < 0 || entry[..comma] != "v1")
                {
                    continue;
                }

                if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(entry[(comma + 1)..]), expected))
                {
                    return WebhookVerification.Valid;
                }
            }
        }

        return WebhookVerification.NoMatchingSignature;
    }
}
