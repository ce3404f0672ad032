using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Functions.Tasks.Requests;

/// <summary>
/// Which target URLs a task may call. https to a public host; http, and hosts that would otherwise be
/// refused, only for the hosts named in ALLOWED_TARGET_HOSTS (loopback for local runs, never in AWS).
/// An IP literal in a private, loopback, link-local, CGNAT, multicast, reserved or metadata range is refused
/// whatever its spelling (System.Uri already reads decimal, octal, hex and short IPv4 forms as addresses), and a
/// host that spells an address in non-ASCII digits or dots (UTS-46 would map <c>１２７。０。０。１</c> to 127.0.0.1) is
/// refused outright. A URL with whitespace or control characters is refused rather than cleaned up.
/// The forwarder applies <see cref="IsBlocked(IPAddress)"/> again to the addresses a host name resolves to.
/// </summary>
public sealed class TargetPolicy
{
    public const int MaxUrlLength = 2048;

    private static readonly string[] BlockedNames = ["localhost", "instance-data", "instance-data.ec2.internal"];

    private static readonly (IPAddress Network, int Prefix)[] BlockedV4 =
    [
        (IPAddress.Parse("0.0.0.0"), 8),          // "this network", unspecified
        (IPAddress.Parse("10.0.0.0"), 8),         // private
        (IPAddress.Parse("100.64.0.0"), 10),      // CGNAT
        (IPAddress.Parse("127.0.0.0"), 8),        // loopback
        (IPAddress.Parse("169.254.0.0"), 16),     // link-local, EC2/ECS metadata (169.254.169.254, 169.254.170.2)
        (IPAddress.Parse("172.16.0.0"), 12),      // private
        (IPAddress.Parse("192.0.0.0"), 24),       // IETF protocol assignments
        (IPAddress.Parse("192.0.2.0"), 24),       // documentation
        (IPAddress.Parse("192.88.99.0"), 24),     // 6to4 relay anycast (deprecated)
        (IPAddress.Parse("192.168.0.0"), 16),     // private
        (IPAddress.Parse("198.18.0.0"), 15),      // benchmarking
        (IPAddress.Parse("198.51.100.0"), 24),    // documentation
        (IPAddress.Parse("203.0.113.0"), 24),     // documentation
        (IPAddress.Parse("224.0.0.0"), 4),        // multicast
        (IPAddress.Parse("240.0.0.0"), 4),        // reserved, broadcast
    ];

    private static readonly (IPAddress Network, int Prefix)[] BlockedV6 =
    [
        (IPAddress.Parse("::"), 128),             // unspecified
        (IPAddress.Parse("::1"), 128),            // loopback
        (IPAddress.Parse("fe80::"), 10),          // link-local
        (IPAddress.Parse("fec0::"), 10),          // site-local (deprecated)
        (IPAddress.Parse("fc00::"), 7),           // unique local, includes EC2 metadata fd00:ec2::254
        (IPAddress.Parse("ff00::"), 8),           // multicast
        (IPAddress.Parse("2001:db8::"), 32),      // documentation
        (IPAddress.Parse("2001::"), 32),          // Teredo (tunnels to an IPv4 address)
        (IPAddress.Parse("64:ff9b:1::"), 48),     // local-use NAT64
        (IPAddress.Parse("100::"), 64),           // discard
    ];

    private readonly HashSet<string> _allowedHosts;

    public TargetPolicy(IEnumerable<string> allowedHosts) =>
        _allowedHosts = new HashSet<string>(allowedHosts.Select(Normalize).Where(h => h.Length > 0), StringComparer.Ordinal);

    /// <summary>From the comma-separated ALLOWED_TARGET_HOSTS value; none when empty.</summary>
    public static TargetPolicy FromSetting(string? value) =>
        new((value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public bool IsAllowedHost(string host) => _allowedHosts.Contains(Normalize(host));

    /// <summary>Null when the URL may be called; otherwise why not, in words fit for a 400.</summary>
    public string? Check(string url, out Uri? uri)
    {
        uri = null;
        if (url.Length > MaxUrlLength)
        {
            return $"url is longer than {MaxUrlLength} characters.";
        }

        // Parsers differ on what they strip or keep (WHATWG drops TAB/CR/LF, System.Uri escapes NUL): take none of it.
        if (url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "url must not contain whitespace or control characters (space, TAB, CR, LF, NUL); percent-encode them.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http") || string.IsNullOrEmpty(parsed.Host))
        {
            return "url must be an absolute https URL.";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "url must not carry credentials (user:password@); send them in headers instead.";
        }

        if (SpellsAnAddressInNonAscii(parsed.Host))
        {
            return "url's host writes an IP address in non-ASCII digits or dots; write the host in ASCII.";
        }

        var host = Normalize(parsed.IdnHost);
        var allowed = _allowedHosts.Contains(host);
        if (parsed.Scheme == "http" && !allowed)
        {
            return "url must use https; http is allowed only for the hosts in ALLOWED_TARGET_HOSTS (local runs).";
        }

        if (!allowed)
        {
            if (parsed.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
            {
                if (IsBlocked(IPAddress.Parse(host)))
                {
                    return "url's host is a private, loopback, link-local, multicast, reserved or metadata address.";
                }
            }
            else if (IsBlockedName(host))
            {
                return "url's host is a local or metadata name.";
            }
            else if (LooksNumeric(host))
            {
                return "url's host is neither a valid IP address nor a DNS name.";
            }
        }

        uri = parsed;
        return null;
    }

    /// <summary>True for every address a delivery must never reach (IPv4-mapped and NAT64 forms included).</summary>
    public static bool IsBlocked(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return IsBlocked(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return BlockedV4.Any(range => InRange(address, range.Network, range.Prefix));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        // NAT64 (64:ff9b::/96) and IPv4-compatible (::/96) addresses carry an IPv4 address in their last 4 bytes.
        if (InRange(address, IPAddress.Parse("64:ff9b::"), 96) || (InRange(address, IPAddress.IPv6Any, 96) && !address.Equals(IPAddress.IPv6Loopback)))
        {
            return IsBlocked(new IPAddress(bytes.AsSpan(12, 4)));
        }

        // 6to4 (2002::/16) embeds the IPv4 address in bytes 2-5.
        if (InRange(address, IPAddress.Parse("2002::"), 16))
        {
            return IsBlocked(new IPAddress(bytes.AsSpan(2, 4)));
        }

        return BlockedV6.Any(range => InRange(address, range.Network, range.Prefix));
    }

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        var full = prefix / 8;
        if (!a.AsSpan(0, full).SequenceEqual(n.AsSpan(0, full)))
        {
            return false;
        }

        var rest = prefix % 8;
        if (rest == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - rest));
        return (a[full] & mask) == (n[full] & mask);
    }

    private static bool IsBlockedName(string host) =>
        BlockedNames.Contains(host, StringComparer.Ordinal) || host.EndsWith(".localhost", StringComparison.Ordinal);

    /// <summary>
    /// True for a non-ASCII host that UTS-46 mapping would turn into an IP literal or a numeric host: other decimal
    /// digits (fullwidth, Arabic-Indic, mathematical...) become ASCII digits, the ideographic and fullwidth full
    /// stops become dots, fullwidth ASCII becomes ASCII. (Invariant globalization has no NFKC, so the mapping that
    /// matters for addresses is done here.)
    /// </summary>
    private static bool SpellsAnAddressInNonAscii(string host)
    {
        if (host.All(char.IsAscii))
        {
            return false;
        }

        var mapped = new StringBuilder(host.Length);
        for (var i = 0; i < host.Length; i++)
        {
            var digit = CharUnicodeInfo.GetDecimalDigitValue(host, i);
            var c = host[i];
            if (digit >= 0)
            {
                mapped.Append((char)('0' + digit));
                if (char.IsSurrogatePair(host, i))
                {
                    i++;
                }
            }
            else if (c is '\u3002' or '\uFF0E' or '\uFF61')
            {
                mapped.Append('.');
            }
            else if (c is >= '\uFF01' and <= '\uFF5E')
            {
                mapped.Append((char)(c - 0xFEE0));
            }
            else
            {
                mapped.Append(c);
            }
        }

        var text = Normalize(mapped.ToString());
        return IPAddress.TryParse(text, out _) || LooksNumeric(text);
    }

    // The WHATWG URL rule: a host whose last label is a number must be an IPv4 address.
    private static bool LooksNumeric(string host)
    {
        var last = host[(host.LastIndexOf('.') + 1)..];
        return last.Length > 0 && (last.All(char.IsAsciiDigit) || (last.StartsWith("0x", StringComparison.Ordinal) && last[2..].All(char.IsAsciiHexDigit)));
    }

    private static string Normalize(string host) => host.Trim().TrimEnd('.').Trim('[', ']').ToLowerInvariant();
}
