namespace Functions.Hosting.Annotations;

/// <summary>
/// Every request to the function's route must carry an API key: the bootstrap key (the SSM parameter) or a caller's
/// key (hashed in the tasks table). The entry point checks it before the handler runs (with the
/// <see cref="Http.IRequestAuthenticator"/> the composition root registers) and hands the handler the caller, so no
/// handler checks a key itself. The function gets the parameter and the table, reading the parameter and reading
/// (and marking used) key items only.
/// </summary>
public sealed class RequiresApiTokenAttribute : ResourceBindingAttribute
{
    /// <summary>Only admin callers may use the route; others get 403.</summary>
    public bool AdminOnly { get; set; }

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
