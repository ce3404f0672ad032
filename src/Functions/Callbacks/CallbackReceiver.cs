using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Http;
using Functions.Webhooks;
using Microsoft.Extensions.Logging;

namespace Functions.Callbacks;

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

        if (JsonBody.CheckContentType(request.Header("content-type"), context.RequestId) is { } unsupported)
        {
            return unsupported;
        }

        if (JsonBody.Inspect(request.BodyBytes.Span) is { } flaw)
        {
            return HttpResults.BadRequest(flaw.Field, flaw.Message, context.RequestId);
        }

        JsonElement body;
        using (var document = JsonDocument.Parse(request.BodyBytes))
        {
            body = document.RootElement.Clone();
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
