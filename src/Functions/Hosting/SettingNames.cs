namespace Functions.Hosting;

/// <summary>
/// Every setting the functions and the local runner read, named once. In Lambda each is an environment variable
/// that serverless.template sets per function (the resource-binding attributes decide which function gets which);
/// the local runner and the tests set them in memory. The composition root reads them, and a missing one fails
/// the init with its name.
/// </summary>
public static class SettingNames
{
    /// <summary>The <see cref="FunctionDescriptor.Name"/> this process serves.</summary>
    public const string FunctionHandler = "FUNCTION_HANDLER";

    /// <summary>Set by Lambda from LoggingConfig.ApplicationLogLevel (TRACE, DEBUG, INFO, WARN, ERROR, FATAL).</summary>
    public const string LogLevel = "AWS_LAMBDA_LOG_LEVEL";

    /// <summary>The <c>service</c> of every log line (Powertools' name for it); <see cref="DefaultServiceName"/> when unset.</summary>
    public const string ServiceName = "POWERTOOLS_SERVICE_NAME";

    public const string DefaultServiceName = "delayed-http-tasks";

    /// <summary>Set by the Lambda service: where the Runtime API listens (the process serves it, see Program).</summary>
    public const string RuntimeApi = "AWS_LAMBDA_RUNTIME_API";

    /// <summary>Set by Lambda; <see cref="DefaultRegion"/> is read when it is not.</summary>
    public const string Region = "AWS_REGION";

    public const string DefaultRegion = "AWS_DEFAULT_REGION";

    /// <summary>The credentials, as the AWS SDKs read them (Lambda sets them from the function's role); when
    /// absent, the SDK's default credential chain.</summary>
    public const string AccessKeyId = "AWS_ACCESS_KEY_ID";

    public const string SecretAccessKey = "AWS_SECRET_ACCESS_KEY";

    public const string SessionToken = "AWS_SESSION_TOKEN";

    /// <summary>An endpoint for every AWS client (moto_server, LocalStack); <c>AWS_ENDPOINT_URL_&lt;SERVICE&gt;</c>
    /// (<see cref="EndpointUrlPrefix"/> + DYNAMODB, SCHEDULER, SQS, SSM) for one service.</summary>
    public const string EndpointUrl = "AWS_ENDPOINT_URL";

    public const string EndpointUrlPrefix = "AWS_ENDPOINT_URL_";

    public const string TableName = "TASKS_TABLE_NAME";

    /// <summary>Days a finished task and an idempotency key are kept (1-3650, default 30).</summary>
    public const string RetentionDays = "TASK_RETENTION_DAYS";

    public const string ScheduleGroup = "SCHEDULE_GROUP_NAME";

    public const string SchedulerRoleArn = "SCHEDULER_ROLE_ARN";

    /// <summary>The forwarder, as the target of every wake-up schedule.</summary>
    public const string ForwarderArn = "FORWARDER_FUNCTION_ARN";

    /// <summary>Where EventBridge Scheduler parks an invocation it could not make.</summary>
    public const string DeadLetterQueueArn = "DEAD_LETTER_QUEUE_ARN";

    /// <summary>The system dead-letter queue's URL, for the functions that show and redrive it.</summary>
    public const string DeadLetterQueueUrl = "DEAD_LETTER_QUEUE_URL";

    /// <summary>Where the forwarder parks a task that ended failed (the callers' failed deliveries).</summary>
    public const string FailedDeliveriesQueueUrl = "FAILED_DELIVERIES_QUEUE_URL";

    public const string DeliveryQueueUrl = "DELIVERY_QUEUE_URL";

    /// <summary><c>second</c> (default) or <c>minute</c>: see <c>DeliveryPrecision</c>.</summary>
    public const string DeliveryPrecision = "DELIVERY_PRECISION";

    /// <summary>The API's bearer token itself: local runs only. In AWS, <see cref="ApiTokenParameter"/>.</summary>
    public const string ApiToken = "TASKS_API_TOKEN";

    /// <summary>The SSM SecureString holding the API's bearer token.</summary>
    public const string ApiTokenParameter = "TASKS_API_TOKEN_PARAMETER";

    /// <summary>The webhook signing keys themselves: local runs only. In AWS, <see cref="SigningSecretParameter"/>.</summary>
    public const string SigningSecret = "WEBHOOK_SIGNING_SECRET";

    /// <summary>The SSM SecureString holding the webhook signing keys (whsec_..., newest first).</summary>
    public const string SigningSecretParameter = "WEBHOOK_SIGNING_SECRET_PARAMETER";

    /// <summary>Comma-separated hosts a target may name although http or private (local runs only).</summary>
    public const string AllowedTargetHosts = "ALLOWED_TARGET_HOSTS";

    /// <summary>The base URL of the default target, the project's own callback route (local runs).</summary>
    public const string CallbackBaseUrl = "CALLBACK_BASE_URL";

    public const string RetryBaseSeconds = "RETRY_BASE_SECONDS";

    public const string RetryCapSeconds = "RETRY_CAP_SECONDS";

    /// <summary>
    /// How long an execution environment reuses a caller's key record and signing-secret generations (default 60 s;
    /// the local runner uses 0, so a revoked key is refused at once there).
    /// </summary>
    public const string CallerCacheSeconds = "CALLER_CACHE_SECONDS";

    /// <summary>How long a caller's previous signing secret keeps signing after a rotation (default 24 h).</summary>
    public const string SigningSecretGraceHours = "SIGNING_SECRET_GRACE_HOURS";
}
