using System.Text.Json;
using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using static Functions.Callbacks.BodyChecks;

namespace Functions.Callbacks;

/// <summary>
/// The receiving side: the guide's callback route and its three usage examples, each its own function that
/// checks its own body. Every one verifies the signature and records its effect once per webhook-id
/// (<see cref="CallbackReceiver"/>); IAM lets them write only their own <c>callback#</c> items and read the keys.
/// </summary>
[UsesTaskTable(TableAccess.Create, "callback#*")]
[UsesSigningSecret]
public sealed class CallbackFunctions(CallbackReceiver receiver)
{
    /// <summary>The guide's callback route: the default target of a task that names no url.</summary>
    public const string TaskCallbackPath = "/api/v1/tasks/callback";

    /// <summary><c>POST /api/v1/tasks/callback</c>: the guide's TaskCallbackRequest <c>{task_id:int, user_id:int, data:object}</c>.</summary>
    [LambdaFunction("TaskCallbackFunction", MemorySize = 256, Timeout = 10, Description = "Receives a signed task delivery (the guide's callback route).")]
    [HttpApi("POST", TaskCallbackPath)]
    [ApiRequest(typeof(JsonElement))]
    [ApiResponse(200, "Verified and processed (a repeated webhook-id is answered as the first).", Body = typeof(CallbackResponse))]
    [ApiResponse(401, "The Standard Webhooks signature is missing, stale or wrong.")]
    public Task<HttpApiResponse> TaskCallback(HttpApiRequest request, InvocationContext context) =>
        receiver.ReceiveAsync(
            request,
            context,
            "task",
            body => First(WholeNumber(body, "task_id"), WholeNumber(body, "user_id"), OptionalObject(body, "data")),
            body => HttpResults.Json(200, new CallbackResponse(true, "Task processed successfully", TaskId: body.GetProperty("task_id").GetInt64()), FunctionsJsonContext.Default.CallbackResponse));

    /// <summary><c>POST /api/v1/payments/expiration-reminder</c> <c>{payment_id, user_id, amount}</c>.</summary>
    [LambdaFunction("PaymentReminderFunction", MemorySize = 256, Timeout = 10, Description = "Receives a signed payment-expiry reminder.")]
    [HttpApi("POST", "/api/v1/payments/expiration-reminder")]
    [ApiRequest(typeof(JsonElement))]
    [ApiResponse(200, "Verified and processed (a repeated webhook-id is answered as the first).", Body = typeof(CallbackResponse))]
    [ApiResponse(401, "The Standard Webhooks signature is missing, stale or wrong.")]
    public Task<HttpApiResponse> PaymentReminder(HttpApiRequest request, InvocationContext context) =>
        receiver.ReceiveAsync(
            request,
            context,
            "payment-expiration-reminder",
            body => First(WholeNumber(body, "payment_id"), WholeNumber(body, "user_id"), Number(body, "amount")),
            body => HttpResults.Json(200, new CallbackResponse(true, "Payment reminder processed successfully", PaymentId: body.GetProperty("payment_id").GetInt64()), FunctionsJsonContext.Default.CallbackResponse));

    /// <summary><c>POST /api/v1/emails/send-welcome</c> <c>{user_id, email, template}</c>.</summary>
    [LambdaFunction("WelcomeEmailFunction", MemorySize = 256, Timeout = 10, Description = "Receives a signed welcome-email request.")]
    [HttpApi("POST", "/api/v1/emails/send-welcome")]
    [ApiRequest(typeof(JsonElement))]
    [ApiResponse(200, "Verified and processed (a repeated webhook-id is answered as the first).", Body = typeof(CallbackResponse))]
    [ApiResponse(401, "The Standard Webhooks signature is missing, stale or wrong.")]
    public Task<HttpApiResponse> WelcomeEmail(HttpApiRequest request, InvocationContext context) =>
        receiver.ReceiveAsync(
            request,
            context,
            "welcome-email",
            body => First(WholeNumber(body, "user_id"), Email(body, "email"), Text(body, "template", 128)),
            body => HttpResults.Json(200, new CallbackResponse(true, "Welcome email processed successfully", UserId: body.GetProperty("user_id").GetInt64()), FunctionsJsonContext.Default.CallbackResponse));

    /// <summary><c>POST /api/v1/cleanup/temp-files</c> <c>{file_id, bucket}</c>.</summary>
    [LambdaFunction("CleanupTempFilesFunction", MemorySize = 256, Timeout = 10, Description = "Receives a signed temp-file clean-up request.")]
    [HttpApi("POST", "/api/v1/cleanup/temp-files")]
    [ApiRequest(typeof(JsonElement))]
    [ApiResponse(200, "Verified and processed (a repeated webhook-id is answered as the first).", Body = typeof(CallbackResponse))]
    [ApiResponse(401, "The Standard Webhooks signature is missing, stale or wrong.")]
    public Task<HttpApiResponse> CleanupTempFiles(HttpApiRequest request, InvocationContext context) =>
        receiver.ReceiveAsync(
            request,
            context,
            "cleanup-temp-files",
            body => First(Text(body, "file_id", 512), Text(body, "bucket", 63)),
            body => HttpResults.Json(200, new CallbackResponse(true, "Clean-up processed successfully", FileId: body.GetProperty("file_id").GetString()), FunctionsJsonContext.Default.CallbackResponse));
}
