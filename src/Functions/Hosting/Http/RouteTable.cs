namespace Functions.Hosting.Http;

/// <summary>
/// Every HTTP API route of the catalog, matched the way API Gateway matches them: a route whose method and path
/// match, else the default route (<c>$default</c>). The local runner's router, and the default route's answer.
/// Built from <see cref="FunctionCatalog"/>, so it is the same route table the template declares.
/// </summary>
public sealed class RouteTable(IEnumerable<FunctionDescriptor> functions)
{
    // Most specific first, as API Gateway matches: a literal segment wins over a path variable in the same place
    // (GET /api/v1/schedules/preview before GET /api/v1/schedules/{schedule_id}).
    private readonly FunctionDescriptor[] _functions = [.. functions.Where(f => f.Route is { IsDefault: false }).OrderBy(f => Specificity(f.Route!.Template), StringComparer.Ordinal)];
    private readonly FunctionDescriptor? _default = functions.FirstOrDefault(f => f.Route is { IsDefault: true });

    public static RouteTable FromCatalog() => new(FunctionCatalog.All);

    /// <summary>Every route, the default route last.</summary>
    public IEnumerable<HttpRoute> Routes => _functions.Append(_default).OfType<FunctionDescriptor>().Select(f => f.Route!);

    /// <summary>The function for a request (the default route's when no other matches; none without one), and the methods the path allows.</summary>
    public RouteMatch Match(string method, string path)
    {
        var allowed = new List<string>();
        foreach (var function in _functions)
        {
            if (!function.Route!.TryMatchPath(path, out var parameters))
            {
                continue;
            }

            if (function.Route.Accepts(method))
            {
                return new RouteMatch(function, parameters, null);
            }

            allowed.Add(function.Route.Method);
        }

        return new RouteMatch(_default, null, allowed.Count == 0 ? null : string.Join(", ", allowed.Distinct().Order(StringComparer.Ordinal)));
    }

    /// <summary>A sort key that puts a literal segment before a variable one at the first place two templates differ.</summary>
    private static string Specificity(string template) =>
        string.Concat(template.Split('/').Select(segment => segment.StartsWith('{') ? "1" : "0"));

    /// <summary>The answer to a request no route serves: 405 with Allow when the path has routes for other methods, else 404.</summary>
    public HttpApiResponse Unmatched(string method, string path, string? requestId)
    {
        var allow = Match(method, path) is { Function.Route.IsDefault: true, Allow: { } methods } ? methods : null;
        return allow is null ? HttpResults.NotFound($"No route matches {path}.", requestId) : HttpResults.MethodNotAllowed(allow, requestId);
    }
}

/// <summary>A matched function with its path parameters, and the methods the path allows when it is the default route (null: none).</summary>
public sealed record RouteMatch(FunctionDescriptor? Function, IReadOnlyDictionary<string, string>? PathParameters, string? Allow);
