using Functions.Hosting;

namespace Functions.Testing;

/// <summary>The one set of fake settings: what the template would give a function, with test secrets.</summary>
public static class TestSettings
{
    public const string Token = "test-token-0123456789";

    /// <summary>A fixed test key (whsec_ + base64 of 32 bytes), so tests can verify signatures independently.</summary>
    public const string SigningSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public const string Region = "ap-northeast-2";

    public const string ForwarderArn = "arn:aws:lambda:ap-northeast-2:123456789012:function:tasks-forwarder";

    public const string SchedulerRoleArn = "arn:aws:iam::123456789012:role/tasks-scheduler";

    public const string DeadLetterQueueArn = "arn:aws:sqs:ap-northeast-2:123456789012:tasks-dlq";

    /// <summary>Every setting the functions read (queue URLs aside), for a table and a schedule group, at an AWS endpoint (moto) when given.</summary>
    public static Dictionary<string, string?> For(string? awsEndpoint, string table, string group) => new()
    {
        [SettingNames.Region] = Region,
        ["AWS_ACCESS_KEY_ID"] = "testing",
        ["AWS_SECRET_ACCESS_KEY"] = "testing",
        ["AWS_ENDPOINT_URL"] = awsEndpoint,
        [SettingNames.TableName] = table,
        [SettingNames.ScheduleGroup] = group,
        [SettingNames.SchedulerRoleArn] = SchedulerRoleArn,
        [SettingNames.ForwarderArn] = ForwarderArn,
        [SettingNames.DeadLetterQueueArn] = DeadLetterQueueArn,
        [SettingNames.CallbackBaseUrl] = "https://api.example.com",
        [SettingNames.ApiToken] = Token,
        [SettingNames.CallerCacheSeconds] = "0",
        [SettingNames.SigningSecret] = SigningSecret,
    };
}
