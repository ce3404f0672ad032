namespace Functions.Hosting.Annotations;

/// <summary>
/// The resources and parameters of serverless.template that functions bind to: their logical ids, and the
/// CloudFormation <c>Fn::Sub</c> strings that resolve to their names and ARNs. Functions.Template declares the
/// resources under these ids; the bindings refer to them; nothing else spells them.
/// </summary>
public static class StackReferences
{
    public const string HttpApi = "HttpApi";
    public const string TasksTable = "TasksTable";
    public const string ScheduleGroup = "ScheduleGroup";
    public const string SchedulerRole = "SchedulerRole";
    public const string DeliveryQueue = "DeliveryQueue";
    public const string DeadLetterQueue = "DeadLetterQueue";
    public const string FailedDeliveriesQueue = "FailedDeliveriesQueue";
    public const string ApiTokenParameterName = "ApiTokenParameterName";
    public const string SigningSecretParameterName = "SigningSecretParameterName";
    public const string TaskRetentionDays = "TaskRetentionDays";
    public const string DeliveryPrecision = "DeliveryPrecision";
    public const string LogRetentionDays = "LogRetentionDays";

    /// <summary>Parameter: the forwarder's reserved concurrency (docs/capacity.md).</summary>
    public const string ForwarderConcurrency = "ForwarderConcurrency";

    /// <summary>Parameter: how many forwarders the delivery queue drives at once (at most <see cref="ForwarderConcurrency"/>).</summary>
    public const string DeliveryQueueConcurrency = "DeliveryQueueConcurrency";

    public const string TableName = "${TasksTable}";
    public const string TableArn = "${TasksTable.Arn}";
    public const string TableIndexesArn = "${TasksTable.Arn}/index/*";
    public const string RetentionDaysValue = "${TaskRetentionDays}";
    public const string ScheduleGroupName = "${ScheduleGroup}";
    public const string GroupSchedulesArn = "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${ScheduleGroup}/*";
    public const string SchedulerRoleArn = "${SchedulerRole.Arn}";

    /// <summary>The forwarder's name, fixed so that its ARN is known before it exists (it arms its own retries).</summary>
    public const string ForwarderName = "${AWS::StackName}-forwarder";

    /// <summary>The forwarder's ARN, by name: the scheduler role and the forwarder's own settings cannot GetAtt it without a cycle.</summary>
    public const string ForwarderArn = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-forwarder";

    public const string DeliveryQueueUrl = "${DeliveryQueue}";
    public const string DeliveryQueueArn = "${DeliveryQueue.Arn}";
    public const string DeliveryPrecisionValue = "${DeliveryPrecision}";
    public const string FailedDeliveriesQueueUrl = "${FailedDeliveriesQueue}";
    public const string FailedDeliveriesQueueArn = "${FailedDeliveriesQueue.Arn}";
    public const string DeadLetterQueueArn = "${DeadLetterQueue.Arn}";
    public const string DeadLetterQueueUrl = "${DeadLetterQueue}";
    public const string ApiTokenParameter = "${ApiTokenParameterName}";
    public const string ApiTokenParameterArn = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${ApiTokenParameterName}";
    public const string SigningSecretParameter = "${SigningSecretParameterName}";
    public const string SigningSecretParameterArn = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${SigningSecretParameterName}";
}
