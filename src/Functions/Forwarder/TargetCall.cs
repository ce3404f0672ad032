using System.Net.Http.Headers;
using System.Text;
using Functions.Hosting;
using Functions.Tasks;
using Functions.Tasks.Callers;
using Functions.Webhooks;
using Microsoft.Extensions.Logging;

namespace Functions.Forwarder;

/// <summary>
/// The HTTP call to a task's target: builds the request (the data as the JSON body, the task's headers,
/// Idempotency-Key, the Standard Webhooks headers signed with every live key of the task's caller), sends it through the SSRF-safe
/// client with the attempt's timeout, and classifies what came back (<see cref="CallOutcome"/>).
/// </summary>
public sealed partial class TargetCall(HttpClient targets, SigningSecrets secrets, ServiceInfo service, TimeProvider time, ILogger<TargetCall> logger)
{
    private readonly string _userAgent = "delayed-http-tasks/" + service.Version.Split('+')[0];

    /// <summary>Builds, signs and sends the call now.</summary>
    public async Task<CallResult> SendAsync(TaskRecord task, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var call = await PrepareAsync(task, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return await SendAsync(call, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds and signs the call to be sent at <paramref name="sendAt"/> (the signature's timestamp), so that a call
    /// prepared while waiting for run_at leaves at run_at with nothing left to do but send.
    /// </summary>
    public async Task<PreparedCall> PrepareAsync(TaskRecord task, DateTimeOffset sendAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var signer = new WebhookSigner(await secrets.KeysAsync(task.Caller, cancellationToken).ConfigureAwait(false));
        return new PreparedCall(task, Build(task, signer, sendAt));
    }

    /// <summary>Sends a prepared call (once) and classifies what came back.</summary>
    public async Task<CallResult> SendAsync(PreparedCall call, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var (task, request) = (call.Task, call.Request);
        var started = time.GetTimestamp();
        // The attempt's timeout runs on the service's clock; the invocation's deadline cancels it too.
        using var deadline = new CancellationTokenSource(timeout, time);
        using var invocation = cancellationToken.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), deadline);
        try
        {
            using var response = await targets.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var elapsed = time.GetElapsedTime(started);
            var code = (int)response.StatusCode;
            LogDelivered(logger, task.TaskId, task.Attempts, code, elapsed.TotalMilliseconds);
            var result = code switch
            {
                >= 200 and < 300 => new CallResult(CallOutcome.Succeeded, code, null, elapsed),
                408 or 429 or >= 500 => new CallResult(CallOutcome.Retryable, code, $"HTTP {code}", elapsed, RetryAfter(response)) { ErrorKind = AttemptErrors.HttpStatus },
                _ => new CallResult(CallOutcome.Refused, code, $"HTTP {code} (not retried)", elapsed) { ErrorKind = AttemptErrors.HttpStatus },
            };
            return result with { Response = await ResponseSnippet.ReadAsync(response.Content, deadline.Token).ConfigureAwait(false) };
        }
        catch (OperationCanceledException)
        {
            // The attempt's timeout, or the invocation's deadline: either way the target did not answer in time,
            // and the outcome is still recorded (with the time kept for it).
            var elapsed = time.GetElapsedTime(started);
            LogAttemptError(logger, task.TaskId, task.Attempts, "timeout", elapsed.TotalMilliseconds);
            return new CallResult(CallOutcome.Retryable, null, $"Timed out after {timeout.TotalSeconds:0.#} s", elapsed) { ErrorKind = AttemptErrors.Timeout };
        }
        catch (HttpRequestException ex) when (FindBlocked(ex) is { } blocked)
        {
            LogAttemptError(logger, task.TaskId, task.Attempts, "blocked target", 0);
            return new CallResult(CallOutcome.Refused, null, blocked.Message, time.GetElapsedTime(started)) { ErrorKind = AttemptErrors.Blocked };
        }
        catch (HttpRequestException ex)
        {
            var elapsed = time.GetElapsedTime(started);
            LogAttemptError(logger, task.TaskId, task.Attempts, ex.HttpRequestError.ToString(), elapsed.TotalMilliseconds);
            return new CallResult(CallOutcome.Retryable, null, $"Connection failed: {ex.HttpRequestError}", elapsed) { ErrorKind = AttemptErrors.Connection };
        }
    }

    private HttpRequestMessage Build(TaskRecord task, WebhookSigner signer, DateTimeOffset sendAt)
    {
        var body = task.Method == "GET" ? [] : Encoding.UTF8.GetBytes(task.Data);
        var request = new HttpRequestMessage(new HttpMethod(task.Method), task.Url);
        if (body.Length > 0)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in task.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        var signature = signer.Sign(task.TaskId, sendAt, body);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", task.TaskId);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.IdHeader, signature.Id);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.TimestampHeader, signature.Timestamp);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.SignatureHeader, signature.Signature);
        request.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        return request;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - time.GetUtcNow() : null;
    }

    private static BlockedTargetException? FindBlocked(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is BlockedTargetException blocked)
            {
                return blocked;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivered task {TaskId} attempt {Attempt}: {StatusCode} in {DurationMs} ms")]
    private static partial void LogDelivered(ILogger logger, string taskId, int attempt, int statusCode, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} attempt {Attempt} failed: {Reason} after {DurationMs} ms")]
    private static partial void LogAttemptError(ILogger logger, string taskId, int attempt, string reason, double durationMs);
}

/// <summary>A call built and signed ahead of its send (<see cref="TargetCall.PrepareAsync"/>); sent once, then disposed.</summary>
public sealed class PreparedCall(TaskRecord task, HttpRequestMessage request) : IDisposable
{
    public TaskRecord Task { get; } = task;

    internal HttpRequestMessage Request { get; } = request;

    public void Dispose() => Request.Dispose();
}
