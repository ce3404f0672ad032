namespace Functions.Hosting.Annotations;

/// <summary>The function parks the tasks that ended failed on the failed-deliveries queue: its URL and SendMessage on it.</summary>
public sealed class UsesFailedDeliveriesQueueAttribute : ResourceBindingAttribute
{
    public override IReadOnlyList<EnvironmentSetting> Environment => [new(SettingNames.FailedDeliveriesQueueUrl, StackReferences.FailedDeliveriesQueueUrl)];

    public override IReadOnlyList<PolicyStatement> Policies => [new(["sqs:SendMessage"], [StackReferences.FailedDeliveriesQueueArn])];
}
