using System.Text.Json;
using Functions.Forwarder;
using Functions.Hosting;
using Functions.Hosting.Annotations;
using Functions.Hosting.Http;
using Functions.Serialization;
using Functions.Tasks;
using Functions.TaskStore;
using Microsoft.Extensions.Configuration;
using static Functions.Tasks.TaskSettingNames;

namespace Functions.Api.Tasks;

/// <summary><c>POST /api/v1/tasks/schedule</c>: accept one delayed HTTP call.</summary>
public sealed class ScheduleTaskFunction(ApiAuthenticator auth, ScheduleRequestValidator validator, TaskSchedulingService service, IConfiguration configuration, TimeProvider time)
{
    [LambdaFunction("ScheduleTaskFunction", MemorySize = 1024, Timeout = 15, Description = "Schedules a delayed HTTP call: task item, then its one-time schedule.")]
    [HttpApi("POST", "/api/v1/tasks/schedule")]
    [Allow(["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], TaskEnvironment.TableArn, LeadingKeys = ["task#*", "idem#*"])]
    [Allow(["scheduler:CreateSchedule", "scheduler:GetSchedule", "scheduler:DeleteSchedule"], TaskEnvironment.GroupSchedules)]
    [Allow(["iam:PassRole"], TaskEnvironment.SchedulerRoleArn)]
    [Allow(["sqs:SendMessage"], TaskEnvironment.DeliveryQueueArn)]
    [Allow(["ssm:GetParameter"], TaskEnvironment.ApiTokenParameterArn)]
    [FunctionEnvironment(TableName, TaskEnvironment.Table)]
    [FunctionEnvironment(RetentionDays, TaskEnvironment.RetentionDays)]
    [FunctionEnvironment(ScheduleGroup, TaskEnvironment.ScheduleGroup)]
    [FunctionEnvironment(SchedulerRoleArn, TaskEnvironment.SchedulerRoleArn)]
    [FunctionEnvironment(ForwarderArn, TaskEnvironment.ForwarderArn)]
    [FunctionEnvironment(DeadLetterQueueArn, TaskEnvironment.DeadLetterQueueArn)]
    [FunctionEnvironment(DeliveryTimerSettings.PrecisionSetting, TaskEnvironment.DeliveryPrecision)]
    [FunctionEnvironment(DeliveryTimerSettings.QueueUrlSetting, TaskEnvironment.DeliveryQueueUrl)]
    [FunctionEnvironment(ApiTokenParameter, TaskEnvironment.ApiTokenParameter)]
    public async Task<HttpApiResponse> Schedule(HttpApiRequest request, InvocationContext context)
    {
        if (auth.Challenge(request) is { } unauthorized)
        {
            return unauthorized;
        }

        ScheduleTaskRequest? body;
        try
        {
            body = JsonSerializer.Deserialize(request.BodyBytes.Span, FunctionsJsonContext.Default.ScheduleTaskRequest);
        }
        catch (JsonException ex)
        {
            var field = ex.Path is null or "$" ? "body" : ex.Path.TrimStart('$', '.');
            return HttpResults.BadRequest(field, $"The body is not a valid schedule request at {field}: {FirstSentence(ex.Message)}", context.RequestId);
        }

        if (body is null)
        {
            return HttpResults.BadRequest("body", "The body must be a JSON object.", context.RequestId);
        }

        var now = time.GetUtcNow();
        var (valid, errors) = validator.Validate(body, now, TaskSettings.DefaultCallbackUrl(configuration, request));
        if (valid is null)
        {
            return HttpResults.Problem(new ProblemDetails
            {
                Title = "Bad Request",
                Status = 400,
                Detail = string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")),
                RequestId = context.RequestId,
                Errors = errors,
            });
        }

        switch (await service.ScheduleAsync(valid, context.CancellationToken).ConfigureAwait(false))
        {
            case ScheduleResult.Accepted(var task, var replayed):
                var minutes = valid.Timing.Field == "delay_minutes"
                    ? (long)valid.Timing.Delay!.Value.TotalMinutes
                    : (long)Math.Ceiling(Math.Max(0, (task.RunAt - now).TotalMinutes));
                return HttpResults.Json(
                    replayed ? 200 : 202,
                    new ScheduleTaskResponse(true, "Task scheduled successfully", task.TaskId, task.ScheduleArn, DynamoTaskStore.Timestamp(task.RunAt), minutes, TaskStateMachine.Name(task.Status)),
                    FunctionsJsonContext.Default.ScheduleTaskResponse);
            case ScheduleResult.KeyReused(var existing):
                return HttpResults.Problem(new ProblemDetails
                {
                    Title = "Conflict",
                    Status = 409,
                    Detail = "This idempotency_key was used for a different request.",
                    RequestId = context.RequestId,
                    TaskId = existing,
                    Errors = new Dictionary<string, string[]>(StringComparer.Ordinal) { ["idempotency_key"] = ["was used for a different request"] },
                });
            case ScheduleResult.TimerFailed(var task, var errorType, var busy):
                return HttpResults.Problem(
                    new ProblemDetails
                    {
                        Title = busy ? "Service Unavailable" : "Bad Gateway",
                        Status = busy ? 503 : 502,
                        Detail = $"The task's wake-up could not be armed ({errorType}); the task was not scheduled and is marked failed.",
                        RequestId = context.RequestId,
                        TaskId = task?.TaskId,
                        TaskStatus = task is null ? null : TaskStateMachine.Name(task.Status),
                    },
                    busy ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["retry-after"] = "1" } : null);
            default:
                throw new InvalidOperationException("Unknown schedule result.");
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
