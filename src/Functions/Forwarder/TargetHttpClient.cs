using System.Net;
using System.Net.Sockets;
using Functions.Tasks.Requests;

namespace Functions.Forwarder;

/// <summary>
/// The HttpClient deliveries go through. SSRF-safe: the host is resolved here, every address is checked
/// against <see cref="TargetPolicy.IsBlocked(IPAddress)"/> (unless the host is in ALLOWED_TARGET_HOSTS), and the
/// socket connects to exactly an address that was checked, so DNS rebinding cannot slip a private address in
/// between check and use. Redirects are not followed (a 3xx is the outcome); no proxy, no cookies.
/// </summary>
public static class TargetHttpClient
{
    public delegate Task<IPAddress[]> Resolver(string host, CancellationToken cancellationToken);

    public static HttpClient Create(TargetPolicy policy, Resolver? resolve = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        resolve ??= static (host, token) => Dns.GetHostAddressesAsync(host, token);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            // A Lambda environment sends at most one batch (10) at a time; the local runner hosts every invocation
            // in one process, where a burst of thousands due in the same second opened a connection per call
            // (10,000 to one host, each costing a handshake on both sides) and delivered later than with a pool.
            MaxConnectionsPerServer = 256,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await resolve(host, cancellationToken).ConfigureAwait(false);
                var allowed = policy.IsAllowedHost(host);
                var candidates = allowed ? addresses : addresses.Where(a => !TargetPolicy.IsBlocked(a)).ToArray();
                if (candidates.Length == 0)
                {
                    throw new BlockedTargetException(host, addresses.Length == 0 ? "it resolves to no address" : "it resolves only to private, loopback, link-local or metadata addresses");
                }

                Exception? last = null;
                foreach (var address in candidates)
                {
                    var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch (SocketException ex)
                    {
                        socket.Dispose();
                        last = ex;
                    }
                }

                throw last!;
            },
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
