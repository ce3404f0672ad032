using System.Security.Cryptography;
using System.Text;

namespace Functions.Webhooks;

/// <summary>
/// One HMAC-SHA256 key, written <c>whsec_&lt;base64&gt;</c> as Standard Webhooks writes secrets. A set of
/// keys is written space- or comma-separated, newest first: the signer signs with every key (one
/// <c>v1,</c> entry each) so receivers holding either the old or the new key verify during a rotation.
/// </summary>
public sealed class WebhookKey
{
    private const string Prefix = "whsec_";
    private readonly byte[] _key;

    private WebhookKey(byte[] key) => _key = key;

    /// <summary>Parses one <c>whsec_&lt;base64&gt;</c> secret.</summary>
    /// <exception cref="FormatException">Not in that form, or shorter than 24 bytes.</exception>
    public static WebhookKey Parse(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var text = secret.Trim();
        if (!text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException("A webhook signing secret is written whsec_<base64>.");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(text[Prefix.Length..]);
        }
        catch (FormatException)
        {
            throw new FormatException("A webhook signing secret is written whsec_<base64>; the part after whsec_ is not base64.");
        }

        return key.Length < 24
            ? throw new FormatException("A webhook signing secret must hold at least 24 bytes (192 bits).")
            : new WebhookKey(key);
    }

    /// <summary>Parses a space- or comma-separated list of secrets, newest first; at least one.</summary>
    public static IReadOnlyList<WebhookKey> ParseList(string secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var keys = secrets.Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(Parse).ToList();
        return keys.Count == 0 ? throw new FormatException("No webhook signing secret given.") : keys;
    }

    /// <summary>
    /// A key derived from this one with HKDF-SHA256 (RFC 5869) for <paramref name="context"/>: the same key and
    /// context always give the same key; another context gives an unrelated one. Lets a service hand each of its
    /// callers its own secret while storing only its master key.
    /// </summary>
    public WebhookKey Derive(string context)
    {
        ArgumentException.ThrowIfNullOrEmpty(context);
        return new WebhookKey(HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, salt: [], info: Encoding.UTF8.GetBytes(context)));
    }

    /// <summary>The key as its <c>whsec_&lt;base64&gt;</c> text: only for showing a secret to its owner, never to log.</summary>
    public string Reveal() => Prefix + Convert.ToBase64String(_key);

    /// <summary>A new random key, as its <c>whsec_</c> text (32 bytes).</summary>
    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")).</summary>
    public string Sign(string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return Convert.ToBase64String(HMACSHA256.HashData(_key, content));
    }

    /// <summary>Never the key: secrets stay out of logs and exception messages.</summary>
    public override string ToString() => "whsec_***";
}
