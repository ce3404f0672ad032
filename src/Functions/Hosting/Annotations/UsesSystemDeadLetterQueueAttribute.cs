namespace Functions.Hosting.Annotations;

/// <summary>
/// The function looks at the system dead-letter queue (its URL; GetQueueAttributes and ReceiveMessage with a zero
/// visibility timeout), and with <see cref="Redrive"/> takes messages off it (DeleteMessage).
/// </summary>
public sealed class UsesSystemDeadLetterQueueAttribute : ResourceBindingAttribute
{
    public bool Redrive { get; init; }

    public override IReadOnlyList<EnvironmentSetting> Environment => [new(SettingNames.DeadLetterQueueUrl, StackReferences.DeadLetterQueueUrl)];

    public override IReadOnlyList<PolicyStatement> Policies => Redrive
        ? [new(["sqs:GetQueueAttributes", "sqs:ReceiveMessage", "sqs:DeleteMessage"], [StackReferences.DeadLetterQueueArn])]
        : [new(["sqs:GetQueueAttributes", "sqs:ReceiveMessage"], [StackReferences.DeadLetterQueueArn])];
}
