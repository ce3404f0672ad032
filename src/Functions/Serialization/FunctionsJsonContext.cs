using System.Text.Json.Serialization;
using Functions.Api;
using Functions.Hosting.Http;
using Functions.Hosting.Runtime;
using Functions.Scheduler;

namespace Functions.Serialization;

/// <summary>
/// The one source-generated JSON context: every event, response and DTO type the functions read or write
/// is named here, so serialization needs no reflection (Native AOT). Payload 2.0 and the Runtime API are
/// camelCase; API DTOs that follow the original guide's snake_case say so per property.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(HttpApiRequest))]
[JsonSerializable(typeof(HttpApiResponse))]
[JsonSerializable(typeof(HttpApiAuthorizerRequest))]
[JsonSerializable(typeof(HttpApiAuthorizerResponse))]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(RuntimeError))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(CreateScheduleRequest))]
[JsonSerializable(typeof(CreateScheduleResponse))]
[JsonSerializable(typeof(GetScheduleResponse))]
[JsonSerializable(typeof(ListSchedulesResponse))]
[JsonSerializable(typeof(SchedulerErrorBody))]
[JsonSerializable(typeof(Functions.TaskStore.TaskCursor))]
[JsonSerializable(typeof(Functions.Tasks.SweepProgress))]
[JsonSerializable(typeof(Functions.Tasks.TaskAttempt[]))]
[JsonSerializable(typeof(Functions.Tasks.Recurring.RecurringSchedule))]
[JsonSerializable(typeof(Functions.Tasks.Recurring.RecurringScheduleRequest))]
[JsonSerializable(typeof(Functions.Tasks.WakeUps.WakeUpMessage))]
[JsonSerializable(typeof(Functions.Callbacks.CallbackResponse))]
[JsonSerializable(typeof(Functions.Hosting.Sqs.SqsEvent))]
[JsonSerializable(typeof(Functions.Hosting.Sqs.SqsBatchResponse))]
[JsonSerializable(typeof(Functions.Forwarder.FailedDeliveryRecord))]
[JsonSerializable(typeof(Functions.Tasks.Requests.ScheduleTaskRequest))]
[JsonSerializable(typeof(Functions.Tasks.Requests.RetryTaskRequest))]
[JsonSerializable(typeof(Functions.Tasks.DeadLetters.RedriveRequest))]
[JsonSerializable(typeof(Functions.Api.DeadLetters.DeadLetterListResponse))]
[JsonSerializable(typeof(Functions.Api.DeadLetters.RedriveResponse))]
[JsonSerializable(typeof(Functions.Api.Tasks.ScheduleTaskResponse))]
[JsonSerializable(typeof(Functions.Api.Tasks.TaskResponse))]
[JsonSerializable(typeof(Functions.Api.Tasks.TaskListResponse))]
[JsonSerializable(typeof(Functions.Api.Tasks.CancelTaskResponse))]
[JsonSerializable(typeof(Functions.Api.Keys.CreateKeyRequest))]
[JsonSerializable(typeof(Functions.Api.Keys.CreatedKeyResponse))]
[JsonSerializable(typeof(Functions.Api.Keys.KeyListResponse))]
[JsonSerializable(typeof(Functions.Api.Signing.SigningSecretResponse))]
[JsonSerializable(typeof(Functions.Api.Schedules.ScheduleResponse))]
[JsonSerializable(typeof(Functions.Api.Schedules.ScheduleListResponse))]
[JsonSerializable(typeof(Functions.Api.Schedules.RunListResponse))]
[JsonSerializable(typeof(Functions.Api.Schedules.PreviewResponse))]
public sealed partial class FunctionsJsonContext : JsonSerializerContext;
