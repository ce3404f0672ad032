namespace Functions.Webhooks;

/// <summary>The three Standard Webhooks headers of one delivery.</summary>
public sealed record WebhookHeaders(string Id, string Timestamp, string Signature)
{
    /// <summary>The message id, the same for every attempt of one message.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The attempt's time in unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>Space-separated <c>v1,&lt;base64&gt;</c> entries, one per active key.</summary>
    public const string SignatureHeader = "webhook-signature";
}

/// <summary>Signs deliveries with every active key (newest first), as Standard Webhooks specifies.</summary>
public sealed class WebhookSigner
{
    private readonly IReadOnlyList<WebhookKey> _keys;

    /// <summary>A signer with the active keys, newest first.</summary>
    public WebhookSigner(IReadOnlyList<WebhookKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys.Count > 0 ? keys : throw new ArgumentException("At least one key.", nameof(keys));
    }

    /// <param name="id">Stable across the attempts of one message, so receivers can drop redeliveries.</param>
    /// <param name="timestamp">The attempt's time, unix seconds.</param>
    /// <param name="body">Exactly the bytes sent.</param>
    public WebhookHeaders Sign(string id, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        var seconds = timestamp.ToUnixTimeSeconds();
        var signatures = new string[_keys.Count];
        for (var i = 0; i < _keys.Count; i++)
        {
            signatures[i] = "v1," + _keys[i].Sign(id, seconds, body);
        }

        return new WebhookHeaders(id, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(' ', signatures));
    }
}
