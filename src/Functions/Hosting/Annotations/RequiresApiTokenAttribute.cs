namespace Functions.Hosting.Annotations;

/// <summary>
/// Every request to the function's route must carry the API's bearer token. The entry point checks it before the
/// handler runs (with the <see cref="Http.IRequestAuthenticator"/> the composition root registers), so no handler
/// checks it itself; the function gets the SSM parameter holding the token, and reading it.
/// </summary>
public sealed class RequiresApiTokenAttribute : ResourceBindingAttribute
{
    public override IReadOnlyList<EnvironmentSetting> Environment => [new(SettingNames.ApiTokenParameter, StackReferences.ApiTokenParameter)];

    public override IReadOnlyList<PolicyStatement> Policies => [new(["ssm:GetParameter"], [StackReferences.ApiTokenParameterArn])];
}
