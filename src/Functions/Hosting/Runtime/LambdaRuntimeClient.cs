using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Functions.Serialization;

namespace Functions.Hosting.Runtime;

/// <summary>The body of /invocation/{id}/error and /init/error.</summary>
public sealed record RuntimeError(string ErrorMessage, string ErrorType, IReadOnlyList<string> StackTrace)
{
    public static RuntimeError From(Exception exception) => new(
        exception.Message,
        exception.GetType().FullName ?? exception.GetType().Name,
        (exception.StackTrace ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>One event from /invocation/next, with the Lambda-Runtime-* headers that came with it.</summary>
public sealed record Invocation(
    string RequestId,
    string? DeadlineMs,
    string? InvokedFunctionArn,
    string? TraceId,
    Stream Event)
{
    /// <summary>The invocation's context; throws when the Runtime API sent no usable deadline.</summary>
    public InvocationContext CreateContext(CancellationToken cancellationToken)
    {
        if (!long.TryParse(DeadlineMs, NumberStyles.None, CultureInfo.InvariantCulture, out var deadlineMs))
        {
            throw new InvalidOperationException($"The Runtime API sent no valid {LambdaRuntimeClient.DeadlineHeader} header for request {RequestId}.");
        }

        return new InvocationContext(RequestId, DateTimeOffset.FromUnixTimeMilliseconds(deadlineMs), InvokedFunctionArn ?? string.Empty, TraceId, cancellationToken);
    }
}

/// <summary>
/// Client of the Lambda Runtime API 2018-06-01 ("Using the Lambda runtime API for custom runtimes").
/// Written here because Amazon.Lambda.RuntimeSupport is not served to this project.
/// </summary>
public sealed class LambdaRuntimeClient : IDisposable
{
    public const string RequestIdHeader = "Lambda-Runtime-Aws-Request-Id";
    public const string DeadlineHeader = "Lambda-Runtime-Deadline-Ms";
    public const string FunctionArnHeader = "Lambda-Runtime-Invoked-Function-Arn";
    public const string TraceIdHeader = "Lambda-Runtime-Trace-Id";
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json");
    private readonly HttpClient _http;

    /// <param name="runtimeApi">host:port, the value of AWS_LAMBDA_RUNTIME_API.</param>
    public LambdaRuntimeClient(string runtimeApi)
    {
        _http = CreateHttpClient(runtimeApi);
    }

    /// <summary>The client for a Runtime API at host:port (also what <see cref="StartupWarmUp"/> exercises).</summary>
    public static HttpClient CreateHttpClient(string runtimeApi) =>
        // /invocation/next blocks until an event arrives, for as long as the environment lives: no timeout.
        new(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/runtime/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };

    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("invocation/next", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var requestId = Header(response, RequestIdHeader)
            ?? throw new InvalidOperationException($"The Runtime API answered /invocation/next without {RequestIdHeader}.");
        var body = new MemoryStream();
        await response.Content.CopyToAsync(body, cancellationToken).ConfigureAwait(false);
        body.Position = 0;
        return new Invocation(requestId, Header(response, DeadlineHeader), Header(response, FunctionArnHeader), Header(response, TraceIdHeader), body);
    }

    /// <returns>Null when accepted; the status when the Runtime API refused it for this invocation (4xx, e.g. 413
    /// for a response over 6 MB, after which the invocation has failed and nothing more may be posted for it).</returns>
    /// <exception cref="HttpRequestException">The Runtime API itself failed (5xx, connection): the environment is done.</exception>
    public async Task<HttpStatusCode?> PostResponseAsync(string requestId, Stream result, CancellationToken cancellationToken)
    {
        using var content = new StreamContent(result);
        content.Headers.ContentType = JsonMediaType;
        using var response = await _http.PostAsync($"invocation/{Uri.EscapeDataString(requestId)}/response", content, cancellationToken).ConfigureAwait(false);
        return Refusal(response);
    }

    /// <inheritdoc cref="PostResponseAsync"/>
    public Task<HttpStatusCode?> PostInvocationErrorAsync(string requestId, Exception exception, CancellationToken cancellationToken) =>
        PostErrorAsync($"invocation/{Uri.EscapeDataString(requestId)}/error", "Unhandled", RuntimeError.From(exception), cancellationToken);

    /// <summary>Reports a failed init; Lambda then ends the execution environment.</summary>
    /// <param name="errorType">Lambda recommends <c>Category.Reason</c>, e.g. Runtime.ConfigInvalid.</param>
    /// <param name="exception">What failed: its type, message and stack go in the report.</param>
    /// <param name="cancellationToken">Cancels the post.</param>
    public Task<HttpStatusCode?> PostInitErrorAsync(string errorType, Exception exception, CancellationToken cancellationToken) =>
        PostErrorAsync("init/error", errorType, RuntimeError.From(exception), cancellationToken);

    private async Task<HttpStatusCode?> PostErrorAsync(string path, string errorType, RuntimeError error, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, FunctionsJsonContext.Default.RuntimeError));
        content.Headers.ContentType = JsonMediaType;
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return Refusal(response);
    }

    private static HttpStatusCode? Refusal(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return null;
        }

        if ((int)response.StatusCode is >= 400 and < 500)
        {
            return response.StatusCode;
        }

        response.EnsureSuccessStatusCode();
        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}
