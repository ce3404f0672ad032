namespace Functions.Hosting.Http;

/// <summary>
/// An HTTP API route: a method and a path template whose <c>{name}</c> segments match one non-empty
/// path segment each, as API Gateway matches them; or the default route (<c>ANY $default</c>), which takes every
/// request no other route matches.
/// </summary>
public sealed class HttpRoute
{
    /// <summary>The default route's template and route key.</summary>
    public const string Default = "$default";

    private readonly string[] _segments;

    public HttpRoute(string method, string template)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        if ((template == Default) != string.Equals(method, "ANY", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"The default route is ANY {Default}, and ANY serves only it (got {method} {template}).", nameof(template));
        }

        if (template != Default && !template.StartsWith('/'))
        {
            throw new ArgumentException($"Route template '{template}' must start with '/'.", nameof(template));
        }

        Method = method.ToUpperInvariant();
        Template = template;
        _segments = template.Split('/');
    }

    public string Method { get; }

    public string Template { get; }

    /// <summary>The catch-all route, taking what no other route matches.</summary>
    public bool IsDefault => Template == Default;

    /// <summary>API Gateway's route key, e.g. <c>GET /api/v1/health</c>, or <c>$default</c>.</summary>
    public string RouteKey => IsDefault ? Default : $"{Method} {Template}";

    /// <summary>Whether the route serves <paramref name="method"/>.</summary>
    public bool Accepts(string method) => IsDefault || string.Equals(method, Method, StringComparison.OrdinalIgnoreCase);

    /// <summary>Matches a request path against the template; the captured <c>{name}</c> values on success.</summary>
    public bool TryMatchPath(string path, out Dictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (IsDefault)
        {
            return true;
        }

        var segments = path.Split('/');
        if (segments.Length != _segments.Length)
        {
            return false;
        }

        for (var i = 0; i < segments.Length; i++)
        {
            var expected = _segments[i];
            if (expected.Length > 2 && expected[0] == '{' && expected[^1] == '}')
            {
                if (segments[i].Length == 0)
                {
                    return false;
                }

                parameters[expected[1..^1]] = Uri.UnescapeDataString(segments[i]);
            }
            else if (!string.Equals(expected, segments[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => RouteKey;
}
