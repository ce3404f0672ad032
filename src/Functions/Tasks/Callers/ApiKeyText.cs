using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Functions.Tasks.Callers;

/// <summary>
/// The text of an API key: <c>dhtk_&lt;key id&gt;_&lt;secret&gt;</c>. The fixed prefix lets secret scanners (and people)
/// recognise a leaked key; the key id (16 hex digits, also shown in listings) finds its record with one read; the
/// secret is 32 random bytes, base64url.
/// </summary>
public static class ApiKeyText
{
    public const string Prefix = "dhtk_";
    private const int KeyIdLength = 16;
    private const int SecretLength = 43;
    private const int Length = 5 + KeyIdLength + 1 + SecretLength;

    /// <summary>A new key and its id.</summary>
    public static (string KeyId, string Key) Generate()
    {
        var keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdLength / 2));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (keyId, $"{Prefix}{keyId}_{secret}");
    }

    /// <summary>The key id of a text shaped like a key (its secret is checked against the stored hash, not here).</summary>
    public static bool TryKeyId(string? text, [NotNullWhen(true)] out string? keyId)
    {
        keyId = null;
        if (text is not { Length: Length } || !text.StartsWith(Prefix, StringComparison.Ordinal) || text[Prefix.Length + KeyIdLength] != '_')
        {
            return false;
        }

        var id = text.Substring(Prefix.Length, KeyIdLength);
        if (!IsKeyId(id))
        {
            return false;
        }

        keyId = id;
        return true;
    }

    public static bool IsKeyId([NotNullWhen(true)] string? id) => id is { Length: KeyIdLength } && id.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c));

    /// <summary>SHA-256 of the key text, lower-case hex: what is stored.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Whether <paramref name="key"/> hashes to <paramref name="storedHash"/>, in constant time.</summary>
    public static bool Matches(string key, string storedHash)
    {
        if (storedHash is not { Length: 64 } || !storedHash.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), Convert.FromHexString(storedHash));
    }
}
