using System.Text.Json;
using Functions.Serialization;

namespace Functions.Hosting.Http;

// API Gateway HTTP API Lambda REQUEST authorizer, payload format 2.0 with simple responses ("Control access to HTTP
// APIs with AWS Lambda authorizers"). The request carries the route's request as payload 2.0 does, plus the identity
// source; the answer allows or refuses, and what it allows with reaches the integration as
// requestContext.authorizer.lambda.

/// <summary>The event API Gateway sends a REQUEST authorizer (payload 2.0).</summary>
public sealed record HttpApiAuthorizerRequest
{
    public string? Version { get; init; }
    public string? Type { get; init; }
    public string? RouteArn { get; init; }
    public IReadOnlyList<string>? IdentitySource { get; init; }
    public string? RouteKey { get; init; }
    public string? RawPath { get; init; }
    public string? RawQueryString { get; init; }
    public IReadOnlyDictionary<string, string>? Headers { get; init; }
    public IReadOnlyDictionary<string, string>? QueryStringParameters { get; init; }
    public IReadOnlyDictionary<string, string>? PathParameters { get; init; }
    public HttpApiRequestContext? RequestContext { get; init; }

    /// <summary>The authorizer event for <paramref name="request"/>, as API Gateway builds it before invoking the route's integration.</summary>
    public static HttpApiAuthorizerRequest For(HttpApiRequest request, string routeArn, string identity)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new()
        {
            Version = "2.0",
            Type = "REQUEST",
            RouteArn = routeArn,
            IdentitySource = [identity],
            RouteKey = request.RouteKey,
            RawPath = request.RawPath,
            RawQueryString = request.RawQueryString,
            Headers = request.Headers,
            QueryStringParameters = request.QueryStringParameters,
            PathParameters = request.PathParameters,
            RequestContext = request.RequestContext,
        };
    }

    /// <summary>The <c>Authorization</c> header (the identity source): the header when present, else the first identity value.</summary>
    public string? Authorization =>
        Headers?.FirstOrDefault(h => string.Equals(h.Key, "authorization", StringComparison.OrdinalIgnoreCase)).Value
        ?? (IdentitySource is { Count: > 0 } identity ? identity[0] : null);
}

/// <summary>A simple response: allowed or not, and the context the integration then reads (string values only).</summary>
public sealed record HttpApiAuthorizerResponse
{
    public bool IsAuthorized { get; init; }

    public IReadOnlyDictionary<string, string>? Context { get; init; }

    public static HttpApiAuthorizerResponse Refused { get; } = new();
}

/// <summary>What the authorizer handed the integration: <c>requestContext.authorizer</c>.</summary>
public sealed record HttpApiRequestAuthorizer
{
    /// <summary>A Lambda authorizer's context. Ours holds only strings (<see cref="AuthorizerContext"/>).</summary>
    public IReadOnlyDictionary<string, string>? Lambda { get; init; }
}

/// <summary>
/// The caller as the authorizer hands it to the functions: <c>{"caller": "billing", "admin": "false"}</c> in
/// <c>requestContext.authorizer.lambda</c>. Strings only, so the value reads the same however API Gateway passes it on.
/// </summary>
public static class AuthorizerContext
{
    public const string CallerKey = "caller";

    public const string AdminKey = "admin";

    public static HttpApiAuthorizerResponse Allow(RequestCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new()
        {
            IsAuthorized = true,
            Context = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [CallerKey] = caller.Name,
                [AdminKey] = caller.IsAdmin ? "true" : "false",
            },
        };
    }

    /// <summary>The caller the authorizer allowed; null when the request carries no authorizer context.</summary>
    public static RequestCaller? CallerOf(HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = request.RequestContext?.Authorizer?.Lambda;
        return context is not null && context.TryGetValue(CallerKey, out var name) && !string.IsNullOrEmpty(name)
            ? new RequestCaller(name, context.TryGetValue(AdminKey, out var admin) && string.Equals(admin, "true", StringComparison.Ordinal))
            : null;
    }

    /// <summary>Reads an authorizer event; null when it is not one (the authorizer then refuses).</summary>
    public static async Task<HttpApiAuthorizerRequest?> ReadAsync(Stream @event, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(@event, FunctionsJsonContext.Default.HttpApiAuthorizerRequest, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static Stream Write(HttpApiAuthorizerResponse response) =>
        new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(response, FunctionsJsonContext.Default.HttpApiAuthorizerResponse));
}
