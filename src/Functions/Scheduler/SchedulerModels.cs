using System.Text.Json.Serialization;

namespace Functions.Scheduler;

// EventBridge Scheduler's rest-json shapes (botocore data/scheduler/2021-06-30/service-2.json), PascalCase
// on the wire. Only the members this project sends or reads.

public sealed record CreateScheduleRequest
{
    [JsonPropertyName("GroupName")] public required string GroupName { get; init; }
    [JsonPropertyName("ScheduleExpression")] public required string ScheduleExpression { get; init; }
    [JsonPropertyName("ScheduleExpressionTimezone")] public string? ScheduleExpressionTimezone { get; init; }
    [JsonPropertyName("FlexibleTimeWindow")] public required FlexibleTimeWindow FlexibleTimeWindow { get; init; }
    [JsonPropertyName("Target")] public required ScheduleTarget Target { get; init; }
    [JsonPropertyName("ActionAfterCompletion")] public string? ActionAfterCompletion { get; init; }
    [JsonPropertyName("ClientToken")] public string? ClientToken { get; init; }
    [JsonPropertyName("Description")] public string? Description { get; init; }
    [JsonPropertyName("State")] public string? State { get; init; }
}

public sealed record FlexibleTimeWindow
{
    [JsonPropertyName("Mode")] public required string Mode { get; init; }
    [JsonPropertyName("MaximumWindowInMinutes")] public int? MaximumWindowInMinutes { get; init; }
}

public sealed record ScheduleTarget
{
    [JsonPropertyName("Arn")] public required string Arn { get; init; }
    [JsonPropertyName("RoleArn")] public required string RoleArn { get; init; }
    [JsonPropertyName("Input")] public string? Input { get; init; }
    [JsonPropertyName("RetryPolicy")] public RetryPolicy? RetryPolicy { get; init; }
    [JsonPropertyName("DeadLetterConfig")] public DeadLetterConfig? DeadLetterConfig { get; init; }
}

public sealed record RetryPolicy
{
    [JsonPropertyName("MaximumEventAgeInSeconds")] public int? MaximumEventAgeInSeconds { get; init; }
    [JsonPropertyName("MaximumRetryAttempts")] public int? MaximumRetryAttempts { get; init; }
}

public sealed record DeadLetterConfig
{
    [JsonPropertyName("Arn")] public string? Arn { get; init; }
}

public sealed record CreateScheduleResponse
{
    [JsonPropertyName("ScheduleArn")] public string? ScheduleArn { get; init; }
}

public sealed record GetScheduleResponse
{
    [JsonPropertyName("Arn")] public string? Arn { get; init; }
    [JsonPropertyName("Name")] public string? Name { get; init; }
    [JsonPropertyName("GroupName")] public string? GroupName { get; init; }
    [JsonPropertyName("ScheduleExpression")] public string? ScheduleExpression { get; init; }
    [JsonPropertyName("ScheduleExpressionTimezone")] public string? ScheduleExpressionTimezone { get; init; }
    [JsonPropertyName("FlexibleTimeWindow")] public FlexibleTimeWindow? FlexibleTimeWindow { get; init; }
    [JsonPropertyName("Target")] public ScheduleTarget? Target { get; init; }
    [JsonPropertyName("ActionAfterCompletion")] public string? ActionAfterCompletion { get; init; }
    [JsonPropertyName("State")] public string? State { get; init; }
}

public sealed record ListSchedulesResponse
{
    [JsonPropertyName("Schedules")] public IReadOnlyList<ScheduleSummary>? Schedules { get; init; }
    [JsonPropertyName("NextToken")] public string? NextToken { get; init; }
}

public sealed record ScheduleSummary
{
    [JsonPropertyName("Arn")] public string? Arn { get; init; }
    [JsonPropertyName("Name")] public string? Name { get; init; }
    [JsonPropertyName("GroupName")] public string? GroupName { get; init; }
    [JsonPropertyName("State")] public string? State { get; init; }
}

public sealed record SchedulerErrorBody
{
    [JsonPropertyName("Message")] public string? Message { get; init; }
    [JsonPropertyName("message")] public string? LowerMessage { get; init; }
}
