namespace Functions.Hosting.Annotations;

/// <summary>The function puts wake-ups on the delivery queue (SQS, per-message delay): its URL, the delivery
/// precision that decides when a wake-up rides it, and SendMessage on it.</summary>
public sealed class UsesDeliveryQueueAttribute : ResourceBindingAttribute
{
    public override IReadOnlyList<EnvironmentSetting> Environment =>
    [
        new(SettingNames.DeliveryPrecision, StackReferences.DeliveryPrecisionValue),
        new(SettingNames.DeliveryQueueUrl, StackReferences.DeliveryQueueUrl),
    ];

    public override IReadOnlyList<PolicyStatement> Policies => [new(["sqs:SendMessage"], [StackReferences.DeliveryQueueArn])];
}
