using System.Collections.Concurrent;
using System.Security.Cryptography;
using Functions.Hosting.Http;

namespace Functions.WebConsole;

/// <summary>
/// Files shipped inside the function's assembly (the console's HTML, CSS and JavaScript, and openapi.json), served
/// with an ETag (a repeat load is a 304) and the headers that keep a page inert: a strict Content-Security-Policy
/// (only this origin's scripts, styles and API; no inline script; never framed), nosniff, no referrer.
/// </summary>
public sealed class StaticContent
{
    /// <summary>The console page's policy: nothing inline, nothing from elsewhere, no frames, forms only here.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".json"] = "application/json",
        [".svg"] = "image/svg+xml",
    };

    private readonly ConcurrentDictionary<string, Asset?> _assets = new(StringComparer.Ordinal);

    /// <summary>The embedded file <paramref name="name"/> (e.g. <c>console/index.html</c>), or a 404; a 304 when the client has it.</summary>
    public HttpApiResponse Serve(string name, HttpApiRequest request, IReadOnlyDictionary<string, string>? extraHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_assets.GetOrAdd(name, Load) is not { } asset)
        {
            return HttpResults.NotFound($"No file {name}.", request.RequestContext?.RequestId);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["content-type"] = asset.ContentType,
            ["etag"] = asset.ETag,
            ["cache-control"] = "no-cache",
            ["content-security-policy"] = ContentSecurityPolicy,
            ["x-content-type-options"] = "nosniff",
            ["x-frame-options"] = "DENY",
            ["referrer-policy"] = "no-referrer",
        };
        foreach (var (key, value) in extraHeaders ?? new Dictionary<string, string>())
        {
            headers[key] = value;
        }

        return request.Header("if-none-match") == asset.ETag
            ? new HttpApiResponse { StatusCode = 304, Headers = headers }
            : new HttpApiResponse { StatusCode = 200, Headers = headers, Body = asset.Text };
    }

    private static Asset? Load(string name)
    {
        using var stream = typeof(StaticContent).Assembly.GetManifestResourceStream(name);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        var hash = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        var type = ContentTypes.TryGetValue(Path.GetExtension(name), out var known) ? known : "application/octet-stream";
        return new Asset(text, type, $"\"{Convert.ToHexStringLower(hash)[..32]}\"");
    }

    private sealed record Asset(string Text, string ContentType, string ETag);
}
