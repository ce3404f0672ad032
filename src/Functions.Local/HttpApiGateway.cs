using System.Globalization;
using System.Text;
using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Serialization;
using Microsoft.AspNetCore.Http;

namespace Functions.Local;

/// <summary>
/// Plays API Gateway's HTTP API locally: each request becomes the payload 2.0 event API Gateway would send,
/// the route's authorizer runs first where the route has it (<see cref="EdgeAuthorizer"/>), the function's entry
/// point is called with the event, and its payload 2.0 response becomes the HTTP response.
/// Each function is built once (its own composition root, as in its own execution environment).
/// </summary>
public sealed class HttpApiGateway(RouteTable routes, LocalFunctions functions, TimeProvider time)
{
    private readonly EdgeAuthorizer _authorizer = new(
        (@event, context) => functions.Get(EdgeAuthorizer.Function.Name).EntryPoint(@event, context));

    /// <summary>API Gateway's payload limit for a request body.</summary>
    public const int MaxBodyBytes = 10 * 1024 * 1024;

    public async Task HandleAsync(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "/";
        var match = routes.Match(http.Request.Method, path);
        if (match.Function is null)
        {
            // Only without a default route: API Gateway's own answer.
            await WriteAsync(http, EdgeAuthorizer.Message(404, "Not Found")).ConfigureAwait(false);
            return;
        }

        var requestId = Guid.NewGuid().ToString("N");
        HttpApiRequest @event;
        try
        {
            @event = await ToEventAsync(http, match, requestId).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // A body over API Gateway's 10 MB (Kestrel's MaxRequestBodySize), or one cut short: answered as API Gateway does.
            await WriteMessageAsync(http, ex.StatusCode).ConfigureAwait(false);
            return;
        }

        if (match.Function.RequiresApiToken)
        {
            var (allowed, refusal) = await _authorizer.AuthorizeAsync(@event, Context(EdgeAuthorizer.Function, requestId)).ConfigureAwait(false);
            if (allowed is null)
            {
                await WriteAsync(http, refusal!).ConfigureAwait(false);
                return;
            }

            @event = allowed;
        }

        var host = functions.Get(match.Function.Name);
        using var input = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(@event, FunctionsJsonContext.Default.HttpApiRequest));
        await using var output = await host.EntryPoint(input, Context(match.Function, requestId)).ConfigureAwait(false);
        var response = await JsonSerializer.DeserializeAsync(output, FunctionsJsonContext.Default.HttpApiResponse, http.RequestAborted).ConfigureAwait(false)
            ?? HttpResults.InternalServerError(requestId);
        await WriteAsync(http, response).ConfigureAwait(false);
    }

    private InvocationContext Context(FunctionDescriptor function, string requestId) => new(
        requestId,
        time.GetUtcNow().AddSeconds(function.Timeout),
        $"arn:aws:lambda:local:000000000000:function:{function.Name}",
        null,
        // As in Lambda, a caller hanging up does not cut the function short (a half-scheduled task would be worse).
        CancellationToken.None);

    private async Task<HttpApiRequest> ToEventAsync(HttpContext http, RouteMatch match, string requestId)
    {
        var request = http.Request;
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
        var bytes = buffer.ToArray();
        var text = IsText(request.ContentType) && IsUtf8(bytes);
        var now = time.GetUtcNow();
        var routeKey = match.Function!.Route!.RouteKey;
        return new HttpApiRequest
        {
            Version = "2.0",
            RouteKey = routeKey,
            RawPath = request.Path.Value,
            RawQueryString = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty,
            Cookies = request.Cookies.Count == 0 ? null : [.. request.Cookies.Select(c => $"{c.Key}={c.Value}")],
            // API Gateway lower-cases header names and joins repeated values with commas.
            Headers = request.Headers
                .Where(h => !string.Equals(h.Key, "Cookie", StringComparison.OrdinalIgnoreCase))
                .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(',', h.Value.ToArray()), StringComparer.Ordinal),
            QueryStringParameters = request.Query.Count == 0 ? null : request.Query.ToDictionary(q => q.Key, q => string.Join(',', q.Value.ToArray()), StringComparer.Ordinal),
            PathParameters = match.PathParameters is { Count: > 0 } ? match.PathParameters : null,
            RequestContext = new HttpApiRequestContext
            {
                AccountId = "000000000000",
                ApiId = "local",
                DomainName = request.Host.Value,
                DomainPrefix = "local",
                Http = new HttpApiRequestHttp
                {
                    Method = request.Method,
                    Path = request.Path.Value,
                    Protocol = request.Protocol,
                    SourceIp = http.Connection.RemoteIpAddress?.ToString(),
                    UserAgent = request.Headers.UserAgent.ToString(),
                },
                RequestId = requestId,
                RouteKey = routeKey,
                Stage = "$default",
                Time = now.ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture),
                TimeEpoch = now.ToUnixTimeMilliseconds(),
            },
            Body = bytes.Length == 0 ? null : text ? Encoding.UTF8.GetString(bytes) : Convert.ToBase64String(bytes),
            IsBase64Encoded = bytes.Length > 0 && !text,
        };
    }

    private static bool IsText(string? contentType) =>
        contentType is null
        || contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private static bool IsUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    /// <summary>API Gateway's own answer to a request it refuses before any function: <c>{"message":"Request Entity Too Large"}</c>.</summary>
    private static async Task WriteMessageAsync(HttpContext http, int status)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = HttpResults.JsonContentType;
        // API Gateway's wording for 413 is the older reason phrase.
        var reason = status == StatusCodes.Status413PayloadTooLarge ? "Request Entity Too Large" : Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        await http.Response.WriteAsync($$"""{"message":"{{(reason.Length > 0 ? reason : "Error")}}"}""", http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext http, HttpApiResponse response)
    {
        http.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            http.Response.Headers[name] = value;
        }

        foreach (var cookie in response.Cookies ?? [])
        {
            http.Response.Headers.Append("Set-Cookie", cookie);
        }

        if (response.Body is { } body)
        {
            var bytes = response.IsBase64Encoded ? Convert.FromBase64String(body) : Encoding.UTF8.GetBytes(body);
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
        }
    }
}
