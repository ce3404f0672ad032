using System.Text;
using System.Text.Json;
using Functions.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Functions.Hosting.Http;

/// <summary>Handler of one HTTP API route, called with a validated payload 2.0 request.</summary>
public delegate ValueTask<HttpApiResponse> HttpApiHandler(HttpApiRequest request, InvocationContext context);

/// <summary>
/// Turns an HTTP API handler into a <see cref="FunctionEntryPoint"/>: reads and checks the payload 2.0 event,
/// checks it is for this function's route, takes the caller the API's authorizer allowed when the function requires
/// the API token (refusing, 401, an event without one, and, 403, a caller that is not an admin on an admin route),
/// calls the handler with the caller on the request, and writes the response. A client's mistake (bad JSON, not
/// payload 2.0, undecodable base64 body, other route or method) is a 4xx problem+json; an unexpected exception is logged with its
/// object and answered with a generic 500. Nothing escapes.
/// </summary>
public static partial class HttpApiEntryPoint
{
    public static FunctionEntryPoint Create(FunctionDescriptor function, IServiceProvider services, HttpApiHandler handler)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(services);
        var route = function.Route ?? throw new ArgumentException($"{function.Name} has no HTTP route.", nameof(function));
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Functions.HttpApi");
        var access = function.RequiresApiToken ? (function.AdminOnly ? Access.Admin : Access.Caller) : Access.Public;
        return async (@event, context) =>
        {
            var response = await HandleAsync(route, access, handler, logger, @event, context).ConfigureAwait(false);
            var output = new MemoryStream();
            // In memory only, and never cancelled: a handler stopped by the deadline token still gets its 500 written.
            await JsonSerializer.SerializeAsync(output, response, FunctionsJsonContext.Default.HttpApiResponse, CancellationToken.None).ConfigureAwait(false);
            output.Position = 0;
            return output;
        };
    }

    private static async ValueTask<HttpApiResponse> HandleAsync(HttpRoute route, Access access, HttpApiHandler handler, ILogger logger, Stream @event, InvocationContext context)
    {
        HttpApiRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(@event, FunctionsJsonContext.Default.HttpApiRequest, CancellationToken.None).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "event" : ex.Path;
            LogRejected(logger, field, "not valid JSON for payload 2.0");
            return HttpResults.BadRequest(field, $"The event is not valid API Gateway payload 2.0 JSON (at {ex.Path ?? "$"}, line {ex.LineNumber}, byte {ex.BytePositionInLine}).", context.RequestId);
        }

        var invalid = Validate(request, context.RequestId, out var method, out var path);
        if (invalid is not null)
        {
            return invalid;
        }

        // API Gateway has routed the request already: its routeKey names our route. rawPath cannot be matched
        // as such behind a named stage or a custom-domain mapping (it carries their prefix).
        var routed = string.Equals(request!.RouteKey ?? request.RequestContext?.RouteKey, route.RouteKey, StringComparison.Ordinal);
        var pathParameters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!routed)
        {
            if (!route.TryMatchPath(path, out pathParameters) && !route.TryMatchPath(WithoutStage(path, request.RequestContext?.Stage), out pathParameters))
            {
                return HttpResults.NotFound($"No route matches {path}.", context.RequestId);
            }

            if (!route.Accepts(method))
            {
                return HttpResults.MethodNotAllowed(route.Method, context.RequestId);
            }
        }

        byte[] body;
        if (request.IsBase64Encoded && request.Body is not null)
        {
            try
            {
                body = Convert.FromBase64String(request.Body);
            }
            catch (FormatException)
            {
                return HttpResults.BadRequest("body", "The body is marked isBase64Encoded but is not valid base64.", context.RequestId);
            }
        }
        else
        {
            body = request.Body is null ? [] : Encoding.UTF8.GetBytes(request.Body);
        }

        request = request with
        {
            BodyBytes = body,
            PathParameters = request.PathParameters is { Count: > 0 } ? request.PathParameters : pathParameters,
        };

        try
        {
            if (access != Access.Public)
            {
                // API Gateway invokes a protected route only after its authorizer allowed the request; an event
                // without the authorizer's context did not come through it (a direct invoke, a route deployed
                // without the authorizer): refused, never served as nobody.
                if (AuthorizerContext.CallerOf(request) is not { } caller)
                {
                    return HttpResults.Unauthorized("The request did not pass the API's authorizer (requestContext.authorizer.lambda has no caller).", context.RequestId);
                }

                if (access == Access.Admin && !caller.IsAdmin)
                {
                    return HttpResults.Forbidden("This route is for admin callers only.", context.RequestId);
                }

                request = request with { Caller = caller };
            }

            return await handler(request, context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Deliberately broad: whatever went wrong is logged with its exception, and the caller learns nothing of it.
            LogUnhandled(logger, ex, route.RouteKey);
            return HttpResults.InternalServerError(context.RequestId);
        }
    }

    private enum Access
    {
        Public,
        Caller,
        Admin,
    }

    private static string WithoutStage(string path, string? stage) =>
        !string.IsNullOrEmpty(stage) && stage != "$default" && path.StartsWith($"/{stage}/", StringComparison.Ordinal)
            ? path[(stage.Length + 1)..]
            : path;

    private static HttpApiResponse? Validate(HttpApiRequest? request, string requestId, out string method, out string path)
    {
        method = string.Empty;
        path = string.Empty;
        if (request is null)
        {
            return HttpResults.BadRequest("event", "The event is null; expected an API Gateway payload 2.0 object.", requestId);
        }

        if (!string.Equals(request.Version, "2.0", StringComparison.Ordinal))
        {
            return HttpResults.BadRequest("version", $"Expected payload format version \"2.0\", got {(request.Version is null ? "none" : $"\"{request.Version}\"")}.", requestId);
        }

        var http = request.RequestContext?.Http;
        if (string.IsNullOrEmpty(http?.Method))
        {
            return HttpResults.BadRequest("requestContext.http.method", "The event has no requestContext.http.method.", requestId);
        }

        var rawPath = request.RawPath ?? http.Path;
        if (string.IsNullOrEmpty(rawPath) || rawPath[0] != '/')
        {
            return HttpResults.BadRequest("rawPath", "The event has no rawPath starting with '/'.", requestId);
        }

        method = http.Method;
        path = rawPath;
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected an event: {Field} is {Problem}")]
    private static partial void LogRejected(ILogger logger, string field, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception in {RouteKey}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string routeKey);
}
