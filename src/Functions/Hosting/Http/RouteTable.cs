namespace Functions.Hosting.Http;

/// <summary>
/// Every HTTP API route of the catalog, matched the way API Gateway matches them: the local runner's router.
/// Built from <see cref="FunctionCatalog"/>, so it is the same route table the template declares.
/// </summary>
public sealed class RouteTable(IEnumerable<FunctionDescriptor> functions)
{
    private readonly FunctionDescriptor[] _functions = [.. functions.Where(f => f.Route is not null)];

    public static RouteTable FromCatalog() => new(FunctionCatalog.All);

    public IEnumerable<HttpRoute> Routes => _functions.Select(f => f.Route!);

    /// <summary>The function for a request, or why there is none (404, or 405 with the methods allowed).</summary>
    public RouteMatch Match(string method, string path)
    {
        var allowed = new List<string>();
        foreach (var function in _functions)
        {
            if (!function.Route!.TryMatchPath(path, out var parameters))
            {
                continue;
            }

            if (string.Equals(function.Route.Method, method, StringComparison.OrdinalIgnoreCase))
            {
                return new RouteMatch(function, parameters, null);
            }

            allowed.Add(function.Route.Method);
        }

        return new RouteMatch(null, null, allowed.Count == 0 ? null : string.Join(", ", allowed.Distinct().Order(StringComparer.Ordinal)));
    }
}

/// <summary>A matched function with its path parameters; or, when none matched, the Allow value (null: 404).</summary>
public sealed record RouteMatch(FunctionDescriptor? Function, IReadOnlyDictionary<string, string>? PathParameters, string? Allow);
