namespace Functions.Hosting.Annotations;

/// <summary>The function signs or verifies deliveries: the SSM parameter holding the webhook keys, and reading it.</summary>
public sealed class UsesSigningSecretAttribute : ResourceBindingAttribute
{
    public override IReadOnlyList<EnvironmentSetting> Environment => [new(SettingNames.SigningSecretParameter, StackReferences.SigningSecretParameter)];

    public override IReadOnlyList<PolicyStatement> Policies => [new(["ssm:GetParameter"], [StackReferences.SigningSecretParameterArn])];
}
