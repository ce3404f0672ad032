namespace Functions.Hosting.Annotations;

/// <summary>One environment variable, written out: for a setting no named binding covers. The value is plain text
/// or a CloudFormation <c>Fn::Sub</c> string.</summary>
public sealed class FunctionEnvironmentAttribute(string name, string value) : ResourceBindingAttribute
{
    public string Name { get; } = name;

    public string Value { get; } = value;

    public override IReadOnlyList<EnvironmentSetting> Environment => [new(Name, Value)];

    public override IReadOnlyList<PolicyStatement> Policies => [];
}
