using System.Security.Cryptography;
using System.Text;

namespace Functions.Testing;

/// <summary>The one Standard Webhooks signature helper of the tests, written from the specification with
/// System.Security.Cryptography alone (not with the code under test).</summary>
public static class Signatures
{
    /// <summary><c>v1,</c> + base64(HMAC-SHA256(base64-decoded secret, "{id}.{timestamp}.{body}")).</summary>
    public static string Expected(string secret, string id, string timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body.ToArray()).ToArray();
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
    }

    public static string Expected(string secret, string id, string timestamp, string body) =>
        Expected(secret, id, timestamp, Encoding.UTF8.GetBytes(body));
}
