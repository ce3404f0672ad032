namespace Functions.Hosting.Http;

/// <summary>
/// An HTTP API route: a method and a path template whose <c>{name}</c> segments match one non-empty
/// path segment each, as API Gateway matches them.
/// </summary>
public sealed class HttpRoute
{
    private readonly string[] _segments;

    public HttpRoute(string method, string template)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        if (!template.StartsWith('/'))
        {
            throw new ArgumentException($"Route template '{template}' must start with '/'.", nameof(template));
        }

        Method = method.ToUpperInvariant();
        Template = template;
        _segments = template.Split('/');
    }

    public string Method { get; }

    public string Template { get; }

    /// <summary>API Gateway's route key, e.g. <c>GET /api/v1/health</c>.</summary>
    public string RouteKey => $"{Method} {Template}";

    /// <summary>Matches a request path against the template; the captured <c>{name}</c> values on success.</summary>
    public bool TryMatchPath(string path, out Dictionary<string, string> parameters)
    {
        parameters = new Dictionary<string, string>(StringComparer.Ordinal);
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
