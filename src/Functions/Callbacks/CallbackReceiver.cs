using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Webhooks;
using Microsoft.Extensions.Logging;

namespace Functions.Callbacks;

/// <summary>What a callback's body check found: null when valid, else the field and what is wrong with it.</summary>
public sealed record BodyProblem(string Field, string Message);

/// <summary>
/// The receiving side of a delivery, shared by every callback function: verify the Standard Webhooks
/// signature over the raw body (401, no effect, when it fails), check the body (400 naming the field), then
/// record the delivery's webhook-id and the business effect in one transaction, so a redelivery (same
/// webhook-id) answers 200 without repeating the effect. Items live under <c>callback#</c> keys, the only
/// ones the callback functions' IAM policy lets them write.
/// </summary>
public sealed partial class CallbackReceiver(WebhookVerifier verifier, ICallbackStore store, ILogger<CallbackReceiver> logger)
{
    public async Task<HttpApiResponse> ReceiveAsync(
        HttpApiRequest request,
        InvocationContext context,
        string kind,
        Func<JsonElement, BodyProblem?> check,
        Func<JsonElement, HttpApiResponse> answer)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(answer);
        var id = request.Header(WebhookHeaders.IdHeader);
        var verdict = verifier.Verify(id, request.Header(WebhookHeaders.TimestampHeader), request.Header(WebhookHeaders.SignatureHeader), request.BodyBytes.Span);
        if (verdict != WebhookVerification.Valid)
        {
            LogRejected(logger, kind, verdict);
            return HttpResults.Problem(new ProblemDetails
            {
                Title = "Unauthorized",
                Status = 401,
                Detail = verdict switch
                {
                    WebhookVerification.MissingHeaders => "The webhook-id, webhook-timestamp and webhook-signature headers are required.",
                    WebhookVerification.BadTimestamp => "webhook-timestamp is not unix seconds.",
                    WebhookVerification.TimestampTooOld or WebhookVerification.TimestampTooNew => "webhook-timestamp is more than 5 minutes from now.",
                    _ => "No webhook-signature matches the body.",
                },
                RequestId = context.RequestId,
                Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { [verdict == WebhookVerification.NoMatchingSignature ? WebhookHeaders.SignatureHeader : verdict == WebhookVerification.MissingHeaders ? "webhook-*" : WebhookHeaders.TimestampHeader] = [verdict.ToString()] },
            });
        }

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(request.BodyBytes);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return HttpResults.BadRequest("body", "The body is not valid JSON.", context.RequestId);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return HttpResults.BadRequest("body", "The body must be a JSON object.", context.RequestId);
        }

        if (check(body) is { } problem)
        {
            return HttpResults.BadRequest(problem.Field, problem.Message, context.RequestId);
        }

        if (await store.RecordOnceAsync(id!, kind, body.GetRawText(), context.CancellationToken).ConfigureAwait(false))
        {
            LogProcessed(logger, kind, id!);
        }
        else
        {
            LogRedelivery(logger, kind, id!);
        }

        return answer(body);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a {Kind} delivery: {Verdict}")]
    private static partial void LogRejected(ILogger logger, string kind, WebhookVerification verdict);

    [LoggerMessage(Level = LogLevel.Information, Message = "Processed {Kind} delivery {WebhookId}")]
    private static partial void LogProcessed(ILogger logger, string kind, string webhookId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} delivery {WebhookId} was processed before; answered without repeating it")]
    private static partial void LogRedelivery(ILogger logger, string kind, string webhookId);
}

/// <summary>Small field checks for callback bodies; each names the field it refuses.</summary>
public static class BodyChecks
{
    public static BodyProblem? WholeNumber(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _)
            ? null
            : new BodyProblem(field, $"{field} must be an integer.");

    public static BodyProblem? Number(JsonElement body, string field) =>
        body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.Number
            ? null
            : new BodyProblem(field, $"{field} must be a number.");

    public static BodyProblem? Text(JsonElement body, string field, int maxLength = 1024) =>
        body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text && text.Length <= maxLength
            ? null
            : new BodyProblem(field, $"{field} must be a non-empty string of at most {maxLength} characters.");

    public static BodyProblem? OptionalObject(JsonElement body, string field) =>
        !body.TryGetProperty(field, out var value) || value.ValueKind is JsonValueKind.Object or JsonValueKind.Null
            ? null
            : new BodyProblem(field, $"{field} must be a JSON object.");

    public static BodyProblem? Email(JsonElement body, string field)
    {
        if (Text(body, field, 254) is { } problem)
        {
            return problem;
        }

        var text = body.GetProperty(field).GetString()!;
        var at = text.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == text.LastIndexOf('@') && text.IndexOf('.', at) > at + 1 && !text.EndsWith('.') && !text.Any(char.IsWhiteSpace)
            ? null
            : new BodyProblem(field, $"{field} must be an email address.");
    }

    /// <summary>The first problem of several checks, or null.</summary>
    public static BodyProblem? First(params BodyProblem?[] problems) => problems.FirstOrDefault(p => p is not null);
}
