namespace Functions.Hosting.Annotations;

/// <summary>
/// The function is the HTTP API's Lambda authorizer: the template attaches it to every route marked
/// <see cref="RequiresApiTokenAttribute"/>. It alone reads the bootstrap key (the SSM parameter) and the callers'
/// key items (reading them, and marking them used).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AuthorizesHttpApiAttribute : ResourceBindingAttribute
{
    public override IReadOnlyList<EnvironmentSetting> Environment =>
    [
        new(SettingNames.ApiTokenParameter, StackReferences.ApiTokenParameter),
        new(SettingNames.TableName, StackReferences.TableName),
    ];

    public override IReadOnlyList<PolicyStatement> Policies =>
    [
        new(["ssm:GetParameter"], [StackReferences.ApiTokenParameterArn]),
        new(["dynamodb:GetItem", "dynamodb:UpdateItem"], [StackReferences.TableArn], ["apikey#*"]),
    ];
}
