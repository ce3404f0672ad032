using Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Functions.Tasks;

/// <summary>Names of the settings the task functions read (environment variables, set by serverless.template).</summary>
public static class TaskSettingNames
{
    public const string TableName = "TASKS_TABLE_NAME";
    public const string RetentionDays = "TASK_RETENTION_DAYS";
    public const string ScheduleGroup = "SCHEDULE_GROUP_NAME";
    public const string SchedulerRoleArn = "SCHEDULER_ROLE_ARN";
    public const string ForwarderArn = "FORWARDER_FUNCTION_ARN";
    public const string DeadLetterQueueArn = "DEAD_LETTER_QUEUE_ARN";
    public const string CallbackBaseUrl = "CALLBACK_BASE_URL";
    public const string ApiToken = "TASKS_API_TOKEN";
    public const string ApiTokenParameter = "TASKS_API_TOKEN_PARAMETER";
    public const string SigningSecret = "WEBHOOK_SIGNING_SECRET";
    public const string SigningSecretParameter = "WEBHOOK_SIGNING_SECRET_PARAMETER";
}

/// <summary>Where and how pending deliveries are scheduled: the group, and the forwarder as the target.</summary>
public sealed record SchedulerSettings(string GroupName, string RoleArn, string ForwarderArn, string DeadLetterQueueArn)
{
    public static SchedulerSettings From(IConfiguration configuration) => new(
        configuration.GetRequired(TaskSettingNames.ScheduleGroup),
        configuration.GetRequired(TaskSettingNames.SchedulerRoleArn),
        configuration.GetRequired(TaskSettingNames.ForwarderArn),
        configuration.GetRequired(TaskSettingNames.DeadLetterQueueArn));
}

public static class TaskSettings
{
    public static TimeSpan Retention(IConfiguration configuration)
    {
        var text = configuration[TaskSettingNames.RetentionDays];
        if (string.IsNullOrWhiteSpace(text))
        {
            return TimeSpan.FromDays(30);
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 3650
            ? TimeSpan.FromDays(days)
            : throw new SettingsException(TaskSettingNames.RetentionDays, $"{TaskSettingNames.RetentionDays} must be a whole number of days from 1 to 3650, not '{text}'.");
    }

    /// <summary>
    /// The guide's default target, the project's own callback route: under CALLBACK_BASE_URL when set (local
    /// runs), otherwise on the API the request came in by (its domain and stage, as API Gateway reports them).
    /// </summary>
    public static string DefaultCallbackUrl(IConfiguration configuration, Hosting.Http.HttpApiRequest request)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(request);
        var configured = configuration[TaskSettingNames.CallbackBaseUrl];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.TrimEnd('/') + CallbackPath;
        }

        var context = request.RequestContext;
        var stage = context?.Stage is { Length: > 0 } s && s != "$default" ? "/" + s : string.Empty;
        return $"https://{context?.DomainName ?? request.Header("host")}{stage}{CallbackPath}";
    }

    public const string CallbackPath = "/api/v1/tasks/callback";
}
