namespace Functions.Hosting.Annotations;

/// <summary>The function parks given-up deliveries on the dead-letter queue: its URL and SendMessage on it.</summary>
public sealed class UsesDeadLetterQueueAttribute : ResourceBindingAttribute
{
    public override IReadOnlyList<EnvironmentSetting> Environment => [new(SettingNames.DeadLetterQueueUrl, StackReferences.DeadLetterQueueUrl)];

    public override IReadOnlyList<PolicyStatement> Policies => [new(["sqs:SendMessage"], [StackReferences.DeadLetterQueueArn])];
}
