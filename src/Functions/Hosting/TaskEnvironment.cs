namespace Functions.Hosting;

/// <summary>The CloudFormation values (Fn::Sub) the task functions' settings come from, named once.</summary>
public static class TaskEnvironment
{
    public const string Table = "${TasksTable}";
    public const string TableArn = "${TasksTable.Arn}";
    public const string TableIndexes = "${TasksTable.Arn}/index/*";
    public const string RetentionDays = "${TaskRetentionDays}";
    public const string ScheduleGroup = "${ScheduleGroup}";
    public const string GroupSchedules = "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${ScheduleGroup}/*";
    public const string SchedulerRoleArn = "${SchedulerRole.Arn}";
    public const string ForwarderArn = "${ForwarderFunction.Arn}";
    public const string ForwarderName = "${AWS::StackName}-forwarder";
    public const string ForwarderArnByName = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${AWS::StackName}-forwarder";
    public const string DeadLetterQueueArn = "${DeadLetterQueue.Arn}";
    public const string DeadLetterQueueUrl = "${DeadLetterQueue}";
    public const string DeliveryQueueArn = "${DeliveryQueue.Arn}";
    public const string DeliveryQueueUrl = "${DeliveryQueue}";
    public const string DeliveryPrecision = "${DeliveryPrecision}";
    public const string SigningSecretParameter = "${SigningSecretParameterName}";
    public const string SigningSecretParameterArn = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${SigningSecretParameterName}";
    public const string ApiTokenParameter = "${ApiTokenParameterName}";
    public const string ApiTokenParameterArn = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter${ApiTokenParameterName}";
}
