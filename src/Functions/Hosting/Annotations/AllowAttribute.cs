namespace Functions.Hosting.Annotations;

/// <summary>
/// One IAM statement, written out: for a resource no named binding covers. Resources are CloudFormation
/// <c>Fn::Sub</c> strings, e.g. <c>"${TasksTable.Arn}"</c>. Actions never use <c>*</c> (the generator refuses it).
/// </summary>
public sealed class AllowAttribute(string[] actions, params string[] resources) : ResourceBindingAttribute
{
    public IReadOnlyList<string> Actions { get; } = actions;

    public IReadOnlyList<string> Resources { get; } = resources;

    /// <summary>For DynamoDB item actions: the partition-key patterns the function may touch (dynamodb:LeadingKeys).</summary>
    public string[]? LeadingKeys { get; set; }

    public override IReadOnlyList<EnvironmentSetting> Environment => [];

    public override IReadOnlyList<PolicyStatement> Policies => [new(Actions, Resources, LeadingKeys)];
}
