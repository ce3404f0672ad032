using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Serialization;

namespace Functions.Local;

/// <summary>
/// Plays API Gateway's part before a route that has the Lambda authorizer, exactly as an HTTP API does it with a
/// REQUEST authorizer (payload 2.0, simple responses, identity source the Authorization header), except the result
/// cache: there is none, so a revoked key is refused at once. No Authorization header: 401
/// <c>{"message":"Unauthorized"}</c> without invoking the authorizer. Refused: 403 <c>{"message":"Forbidden"}</c>.
/// The authorizer failing or answering nonsense: 500 <c>{"message":"Internal Server Error"}</c>. Allowed: the
/// request goes on with the authorizer's context at <c>requestContext.authorizer.lambda</c>.
/// </summary>
public sealed class EdgeAuthorizer(FunctionEntryPoint authorizer)
{
    /// <summary>The function that authorizes the catalog's protected routes.</summary>
    public static FunctionDescriptor Function { get; } = FunctionCatalog.All.Single(f => f.IsAuthorizer);

    /// <summary>The request to pass on, with the authorizer's context; or API Gateway's own answer. <paramref name="context"/> is the authorizer's invocation.</summary>
    public async Task<(HttpApiRequest? Allowed, HttpApiResponse? Answer)> AuthorizeAsync(HttpApiRequest request, InvocationContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var identity = request.Header("authorization");
        if (string.IsNullOrEmpty(identity))
        {
            return (null, Message(401, "Unauthorized"));
        }

        var http = request.RequestContext?.Http;
        var routeArn = $"arn:aws:execute-api:local:000000000000:local/$default/{http?.Method}{request.RawPath}";
        using var input = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(HttpApiAuthorizerRequest.For(request, routeArn, identity), FunctionsJsonContext.Default.HttpApiAuthorizerRequest));
        HttpApiAuthorizerResponse? decision;
        try
        {
            await using var output = await authorizer(input, context).ConfigureAwait(false);
            decision = await JsonSerializer.DeserializeAsync(output, FunctionsJsonContext.Default.HttpApiAuthorizerResponse).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Deliberately broad: whatever the authorizer's failure, API Gateway answers 500 and the route is not invoked.
            decision = null;
        }

        if (decision is null)
        {
            return (null, Message(500, "Internal Server Error"));
        }

        if (!decision.IsAuthorized)
        {
            return (null, Message(403, "Forbidden"));
        }

        var requestContext = (request.RequestContext ?? new HttpApiRequestContext()) with
        {
            Authorizer = new HttpApiRequestAuthorizer { Lambda = decision.Context ?? new Dictionary<string, string>() },
        };
        return (request with { RequestContext = requestContext }, null);
    }

    /// <summary>An answer API Gateway gives itself: <c>{"message":"..."}</c>, which an HTTP API cannot change.</summary>
    public static HttpApiResponse Message(int status, string message) => new()
    {
        StatusCode = status,
        Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["content-type"] = HttpResults.JsonContentType },
        Body = $$"""{"message":"{{message}}"}""",
    };
}
